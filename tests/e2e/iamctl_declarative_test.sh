#!/usr/bin/env bash
# Declarative accounts with iamctl against two real iamd servers on SQLite:
# an account set up by hand is exported, applied to an empty account of
# the same name on the other server (plan first, a dry run that changes
# nothing), exported there, and the two files are identical. Then the file
# is edited and applied back (changes and deletions), applied again (no
# changes), and refused as a whole when one part is wrong or hostile.
set -euo pipefail
iamd=$1 iamctl=$2
. "$(dirname "$0")/iamd_harness.sh"
examples=$(cd "$(dirname "$0")/../../examples" && pwd)

# The second server: the migration's target.
start_iamd_light "$iamd" iamctl-declarative-target --http-listen off
target_dir=$dir target_pid=$pid target_addr=$addr target_root=$root
dir= pid=
trap 'kill $target_pid 2>/dev/null || true; wait $target_pid 2>/dev/null || true; rm -rf "$target_dir"; iamd_stop' EXIT
start_iamd_light "$iamd" iamctl-declarative --http-listen off
new_acme

# The source account, set up command by command.
ctl policy create ReadPhotos --file "$examples/policies/read-photos.json" \
  --description "read the photos bucket" >/dev/null
ctl policy tag ReadPhotos owner=photos >/dev/null
ctl policy create OwnHome --file "$examples/policies/own-home-folder.json" >/dev/null
ctl group create devs --description "developers" >/dev/null
ctl user create bob --display-name "Bob Builder" --email bob@example.com >/dev/null
ctl user create carol >/dev/null
ctl user create xue --display-name "雪" >/dev/null
ctl group add-member devs bob >/dev/null
ctl group add-member devs xue >/dev/null
ctl policy attach ReadPhotos --group devs >/dev/null
ctl policy attach arn:aws:iam::aws:policy/ReadOnlyAccess --user carol >/dev/null
ctl policy put-inline Home --user bob --file "$examples/policies/own-home-folder.json" >/dev/null
ctl policy set-boundary OwnHome --user bob >/dev/null
ctl user tag bob team=photos cost-center=0042 >/dev/null
ctl account set-ip-allowlist --user carol --cidr 10.0.0.0/8 >/dev/null
ctl user disable carol --reason "on leave" >/dev/null
ctl role create approver --description "approves payments" >/dev/null
ctl role create requester >/dev/null
ctl role tag approver tier=gold >/dev/null
ctl role assign approver --user bob >/dev/null
ctl role assign requester --group devs >/dev/null
ctl role assign requester --user carol --for 1h >/dev/null
ctl role forbid-together split approver requester 2>/dev/null \
  && fail "a rule that bob's roles break was accepted"
ctl role unassign requester --group devs >/dev/null
ctl role forbid-together split approver requester >/dev/null
ctl account set-password-policy --set min_length=14 >/dev/null
ctl resource-policy put arn:aws:s3:::photos --file "$examples/resources/photos-bucket-policy.json" >/dev/null
ctl acl put arn:aws:s3:::photos/public/cat.jpg --canned public-read >/dev/null
ctl client create reports --grant client_credentials --scope "reports.read" --audience api >/dev/null
ctl policy attach ReadPhotos --user service-account-reports >/dev/null
ctl client create wiki --grant authorization_code --auth-method none \
  --redirect-uri https://wiki.example.com/cb >/dev/null
ctl client update wiki --disable >/dev/null
ctl idp create corp --kind oidc --name "Corp SSO" --set oidc.issuer=https://login.example.com/t \
  --set oidc.client_id=iam --set oidc.client_auth=none --set group_map.engineering=devs >/dev/null

ctl account export >"$dir/acme.yaml"
yaml=$dir/acme.yaml
for want in 'username: bob' 'display_name: Bob Builder' 'ReadPhotos' 'arn:aws:iam::aws:policy/ReadOnlyAccess' \
            'boundary: OwnHome' 'cost-center: "0042"' 'disabled: true' '10.0.0.0/8' 'user:bob' \
            'min_length: 14' 'arn:aws:s3:::photos' 'canned: public-read' 'owner: photos' \
            'description: approves payments' 'name: split' '雪' 'client_id: reports' \
            'username: service-account-reports' 'alias: corp' 'https://wiki.example.com/cb' \
            'enabled: false' 'engineering: devs'; do
  grep -qF -- "$want" "$yaml" || fail "the export lacks $want: $(cat "$yaml")"
done
# Never a secret, a hash or a person's data; a temporary grant is not
# configuration.
for never in 'bob@example.com' 'client_secret:' 'secret_hash' '$argon2' 'user:carol'; do
  grep -qiF -- "$never" "$yaml" && fail "the export shows $never"
done
ctl -o json account export >"$dir/acme.json"
grep -q '"kind": "iam.account/v1"' "$dir/acme.json" || fail "export -o json"

# The target: an empty account of the same name and first admin.
tctl() { $iamctl --address "$target_addr" --profile target "$@"; }
$iamctl --address "$target_addr" $target_root account create acme --admin-username alice \
  --save-profile target >/dev/null
tctl apply -f "$yaml" --dry-run >"$dir/plan"
grep -qx "+ user bob" "$dir/plan" || fail "dry-run plan: $(cat "$dir/plan")"
grep -qx "+ policy ReadPhotos" "$dir/plan" || fail "plan: the policy"
grep -q "client rotate-secret reports" "$dir/plan" || fail "plan: the new client's secret"
grep -q "dry run: nothing changed" "$dir/plan" || fail "dry run said: $(cat "$dir/plan")"
tctl user list | grep -q bob && fail "the dry run created bob"
tctl apply -f "$yaml" >"$dir/applied"
grep -q "change(s) applied" "$dir/applied" || fail "apply: $(cat "$dir/applied")"
tctl account export >"$dir/target.yaml"
diff <(tail -n +2 "$yaml") <(tail -n +2 "$dir/target.yaml") \
  || fail "the round trip changed the configuration"
# What was applied works: bob's policies reach a decision.
tctl -o json user get bob >"$dir/bob"; grep -q "Bob Builder" "$dir/bob" || fail "bob on the target: $(cat "$dir/bob")"
tctl apply -f "$yaml" | grep -q "no changes" || fail "a second apply was not idempotent"
# Every change was audited as its own call.
tctl audit query --action iam:CreateUser --output json | grep -q '"user/bob"\|bob' \
  || fail "the created user left no audit record"

# Edited: a user gone, one changed, a tag and a member removed.
python3 - "$yaml" "$dir/edited.yaml" <<'EOF'
import sys
lines = open(sys.argv[1]).read()
lines = lines.replace("display_name: Bob Builder", "display_name: Robert Builder")
lines = lines.replace("      tier: gold\n", "")
open(sys.argv[2], "w").write(lines)
EOF
tctl apply -f "$dir/edited.yaml" >"$dir/edit-plan"
grep -q 'display_name: "Bob Builder" -> "Robert Builder"' "$dir/edit-plan" \
  || fail "the change's detail: $(cat "$dir/edit-plan")"
grep -q 'tags.tier: "gold" -> (none)' "$dir/edit-plan" || fail "untag: $(cat "$dir/edit-plan")"
tctl role tags approver | grep -q tier && fail "the tag stayed"

# Refused as a whole: a bad document in the last user leaves the first
# users uncreated.
tctl -o json account export >"$dir/now.json"
python3 - "$dir/now.json" "$dir/bad.json" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
doc["users"].append({"username": "dave"})
doc["users"].append({"username": "erin", "inline_policies": {"broken": {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Maybe", "Action": "s3:*", "Resource": "*"}]}}})
json.dump(doc, open(sys.argv[2], "w"))
EOF
if tctl apply -f "$dir/bad.json" 2>"$dir/err"; then fail "a bad policy was applied"; fi
grep -q "inline_policy user erin" "$dir/err" || fail "the refusal names the change: $(cat "$dir/err")"
grep -q "nothing was changed" "$dir/err" || fail "refusal: $(cat "$dir/err")"
tctl user list | grep -q dave && fail "dave was created by a refused apply"
tctl user list | grep -q bob || fail "bob was deleted by a refused apply"

# Hostile and malformed input: errors naming the place, nothing changed.
# refused FILE PATTERN: the apply of FILE fails saying PATTERN.
refused() {
  if tctl apply -f "$1" 2>"$dir/err"; then fail "$1 was applied"; fi
  grep -q -- "$2" "$dir/err" || fail "$1: $(cat "$dir/err")"
}
printf 'kind: iam.account/v1\nusers: [\n' >"$dir/broken.yaml"
refused "$dir/broken.yaml" "line "
printf 'kind: iam.account/v1\nusers:\n  - username: x\n    colour: red\n' >"$dir/unknown.yaml"
refused "$dir/unknown.yaml" "users\[x\].colour: unknown field"
printf 'kind: something/else\n' >"$dir/kind.yaml"
refused "$dir/kind.yaml" 'kind: must be "iam.account/v1"'
printf "kind: iam.account/v1\nusers:\n  - username: alice\n    admin: true\n  - username: \"x'; DROP TABLE users; --\"\n" >"$dir/inject.yaml"
refused "$dir/inject.yaml" "username: only letters"
tctl user list | grep -q bob || fail "bob was lost to a refused apply"
# The one who applies is never deleted by it.
printf 'kind: iam.account/v1\nusers:\n  - username: bob\n' >"$dir/noalice.yaml"
refused "$dir/noalice.yaml" "cannot delete themselves"
# A description cannot change (as in AWS): said, not half-done.
sed 's/description: developers/description: builders/' "$yaml" >"$dir/desc.yaml"
refused "$dir/desc.yaml" "groups\[devs\].description"
# Someone who may not make the changes: refused, nothing changed.
bobkey=$(tctl key create bob | sed -n 's/^access key (shown once): //p')
echo "$bobkey" | $iamctl --address "$target_addr" --profile bob configure >/dev/null 2>&1
if $iamctl --address "$target_addr" --profile bob apply -f "$yaml" 2>"$dir/err" >/dev/null; then
  fail "bob, no admin, applied the file"
fi
grep -q "PERMISSION_DENIED" "$dir/err" || fail "bob's refusal: $(cat "$dir/err")"
tctl -o json user get bob | grep "display_name" | grep -q "Robert Builder" || fail "a refused apply changed bob"
echo "PASS"
