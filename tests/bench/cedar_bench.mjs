// The policy benchmark's workloads on Cedar's wasm build, policies
// pre-parsed (preparsePolicySet + statefulIsAuthorized). Policy i permits
// alice to s3:GetObject any object in Bucket "bucket-i"; the request reads
// an object of one bucket. Prints one JSON line per workload.
//   node cedar_bench.mjs [sizes...]
import cedar from '@cedar-policy/cedar-wasm/nodejs';

const sizes = process.argv.slice(2).map(Number);
const workloads = (sizes.length ? sizes : [10, 1000, 10000, 100000]).flatMap((n) =>
  n === 1000 ? [[n, true], [n, false]] : [[n, true]]);

function policies(n) {
  const parts = [];
  for (let i = 0; i < n; i++) {
    parts.push(`permit(principal == User::"alice", action == Action::"s3:GetObject", ` +
               `resource in Bucket::"bucket-${i}");`);
  }
  return parts.join('\n');
}

function call(n, match, id) {
  const bucket = match ? `bucket-${Math.floor(n / 2)}` : 'no-such-bucket';
  return {
    principal: { type: 'User', id: 'alice' },
    action: { type: 'Action', id: 's3:GetObject' },
    resource: { type: 'Object', id: `${bucket}/photos/2026/cat.jpg` },
    context: { sourceIp: '10.1.2.3' },
    preparsedPolicySetId: id,
    entities: [
      { uid: { type: 'User', id: 'alice' }, attrs: {}, parents: [] },
      { uid: { type: 'Object', id: `${bucket}/photos/2026/cat.jpg` }, attrs: {},
        parents: [{ type: 'Bucket', id: bucket }] },
      { uid: { type: 'Bucket', id: bucket }, attrs: {}, parents: [] },
    ],
  };
}

for (const [n, match] of workloads) {
  const id = `set-${n}`;
  const parsed = cedar.preparsePolicySet(id, { staticPolicies: policies(n) });
  if (parsed.type !== 'success') throw new Error(JSON.stringify(parsed));
  const c = call(n, match, id);
  const want = match ? 'allow' : 'deny';
  const check = (a) => {
    if (a.type !== 'success' || a.response.decision !== want) throw new Error(JSON.stringify(a));
  };
  // Warm up, then time batches until ~2 s (at least 5 decisions).
  for (let i = 0; i < 3; i++) check(cedar.statefulIsAuthorized(c));
  const samples = [];
  const deadline = process.hrtime.bigint() + 2_000_000_000n;
  while (samples.length < 5 || (process.hrtime.bigint() < deadline && samples.length < 2000)) {
    const t0 = process.hrtime.bigint();
    check(cedar.statefulIsAuthorized(c));
    samples.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  samples.sort((a, b) => a - b);
  const median = samples[Math.floor(samples.length / 2)];
  console.log(JSON.stringify({ engine: 'cedar-wasm', policies: n, match, median_us: median,
                               decisions_per_s: Math.round(1e6 / median), samples: samples.length }));
}
