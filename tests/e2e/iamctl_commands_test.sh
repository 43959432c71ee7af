#!/usr/bin/env bash
# The iamctl commands the other iamctl tests do not run, each once against
# a real iamd on SQLite, with what it must have sent and shown: the account
# lifecycle, groups, keys, user changes, policies and boundaries, roles and
# rules, resource policies, a password change, recovery codes, profiles,
# OAuth clients and initial access tokens.
# Together with those tests every command of the table runs at least once,
# so an argument bound to the wrong request field cannot go unseen.
set -euo pipefail
iamctl=$2
. "$(dirname "$0")/iamd_harness.sh"
start_iamd_light "$1" iamctl-commands --http-listen off
sys() { $iamctl $root "$@"; }
new_acme
acme=$(ctl -o json whoami | sed -n 's/.*"account_id": *"\([0-9]*\)".*/\1/p')
[ -n "$acme" ] || fail "whoami gave no account id"

# configure: the key read from stdin lands in a new profile.
key=$(sys account create other --admin-username olga | sed -n 's/^access key (shown once): //p')
echo "$key" | $iamctl --profile other configure >/dev/null 2>&1
$iamctl --profile other whoami | grep -q olga || fail "configure did not save the key"
other=$($iamctl --profile other -o json whoami | sed -n 's/.*"account_id": *"\([0-9]*\)".*/\1/p')

# The account lifecycle, by a system admin.
sys account get "$other" | grep -q "other *active" || fail "account get"
sys account suspend "$other" --reason audit | grep -q suspended || fail "account suspend"
sys -o json account get "$other" | grep -q ACCOUNT_STATE_SUSPENDED || fail "suspended state"
sys account reactivate "$other" | grep -q active || fail "account reactivate"
sys account close "$other" --reason done | grep -q closed || fail "account close"
ctl account get | grep -q "$acme" || fail "account get without an id: your own"

# Users: update only what is named, disable and enable, delete.
ctl user create bob --email bob@example.com >/dev/null
ctl user update bob --display-name "Bob B" --phone "" >/dev/null
ctl -o json user get bob --reveal >"$dir/bob"
grep -q '"display_name": "Bob B"' "$dir/bob" || fail "update display name: $(cat "$dir/bob")"
grep -q '"email": "bob@example.com"' "$dir/bob" || fail "update kept the email"
ctl user update bob --admin true | grep -q "bob .* yes" || fail "update --admin"
ctl user disable bob --reason left | grep -q "disabled" || fail "user disable"
ctl user enable bob | grep -q "active" || fail "user enable"

# Groups.
ctl group create ops --description "on call" >/dev/null
ctl group get ops | grep -q "on call" || fail "group get"
ctl group list | grep -q "^ops" || fail "group list"
ctl group add-member ops bob | grep -qx "added bob to ops" || fail "add-member"
ctl group for-user bob | grep -q "^ops" || fail "group for-user"
ctl group remove-member ops bob | grep -qx "removed bob from ops" || fail "remove-member"
ctl group members ops | grep -q bob && fail "bob still a member"
ctl group delete ops | grep -qx "deleted group ops" || fail "group delete"

# Access keys: sources and expiry reach the key.
ctl key create bob --description ci --cidr 10.0.0.0/8 --expires-in-days 2 >"$dir/key"
grep -q "10.0.0.0/8" "$dir/key" || fail "key create --cidr: $(cat "$dir/key")"
kid=$(awk 'NR==2 {print $1}' "$dir/key")
ctl key list --user bob | grep -q "$kid" || fail "key list --user"
ctl key revoke "$kid" | grep -q "revoked" || fail "key revoke"

# Policies: get, list, list-for, detach, inline, boundaries, delete.
echo '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}' \
  >"$dir/p.json"
ctl policy create S3 --file "$dir/p.json" --description storage >/dev/null
ctl policy update S3 --file "$dir/p.json" --no-default | grep -qx "version 2" \
  || fail "update --no-default"
ctl policy get S3 | grep -q "default v1" || fail "policy get"
ctl policy get S3 --version 2 | grep -q "s3:\*" || fail "policy get --version"
ctl policy list | grep -q "^S3 .* storage" || fail "policy list"
ctl policy list --builtin | grep -q "AdministratorAccess" || fail "policy list --builtin"
ctl policy attach S3 --group admins 2>/dev/null && fail "attach to a missing group"
ctl policy attach S3 --user bob >/dev/null
ctl policy put-inline Extra --user bob --file "$dir/p.json" >/dev/null
ctl policy set-boundary S3 --user bob | grep -qx "boundary set" || fail "set-boundary"
ctl policy list-for --user bob >"$dir/for"
grep -q "attached .*policy/S3" "$dir/for" || fail "list-for attached: $(cat "$dir/for")"
grep -q "inline *Extra" "$dir/for" || fail "list-for inline"
grep -q "boundary .*policy/S3" "$dir/for" || fail "list-for boundary"
if ctl policy list-for --user bob --role x 2>"$dir/err"; then fail "two principals accepted"; fi
grep -q "exactly one of --user, --group, --role" "$dir/err" || fail "two principals: $(cat "$dir/err")"
ctl policy clear-boundary --user bob | grep -qx "boundary removed" || fail "clear-boundary"
ctl policy delete-inline Extra --user bob | grep -qx deleted || fail "delete-inline"
ctl policy detach S3 --user bob | grep -qx detached || fail "detach"
ctl policy delete S3 --version 2 | grep -qx deleted || fail "delete --version"
ctl policy versions S3 | grep -q "^v2" && fail "version 2 still there"
# A managed policy's tags: set, listed, removed, gone with the policy; a
# built-in policy takes none.
ctl policy tag S3 owner=storage tier=gold | grep -q "owner *storage" || fail "policy tag"
ctl policy untag S3 tier | grep -q tier && fail "policy untag left the tag"
ctl policy tags S3 | grep -q "owner *storage" || fail "policy tags"
if ctl policy tag arn:aws:iam::aws:policy/ReadOnlyAccess x=y 2>"$dir/err"; then
  fail "a built-in policy took a tag"
fi
grep -q "built-in policies cannot be changed" "$dir/err" || fail "built-in tag: $(cat "$dir/err")"
ctl policy delete S3 | grep -qx deleted || fail "policy delete"
ctl policy create S3 --file "$dir/p.json" >/dev/null
ctl policy tags S3 | grep -q owner && fail "a deleted policy's tags came back with its name"
ctl policy delete S3 >/dev/null

# Roles and separation-of-duties rules.
ctl role create pager >/dev/null
ctl role create approver >/dev/null
ctl role get pager | grep -q "role/pager" || fail "role get"
ctl role assign pager --user bob >/dev/null
ctl role unassign pager --user bob | grep -qx unassigned || fail "role unassign"
ctl role forbid-together split pager approver >/dev/null
ctl role rules | grep -q "^split *pager, approver" || fail "role rules"
ctl role delete-rule split | grep -qx deleted || fail "delete-rule"
ctl role delete pager | grep -qx deleted || fail "role delete"
ctl role list | grep -q "^pager" && fail "pager still listed"

# Resource policies.
echo '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::logs/*"}]}' \
  | ctl resource-policy put arn:aws:s3:::logs --file - | grep -qx saved || fail "resource-policy put"
ctl resource-policy delete arn:aws:s3:::logs | grep -qx deleted || fail "resource-policy delete"
if ctl resource-policy get arn:aws:s3:::logs 2>/dev/null; then fail "deleted policy still there"; fi

# The audit policy, like the others, by --set.
ctl account set-audit-policy --set retention_days=400 >/dev/null
ctl account get-policy audit | grep -q '"retention_days": 400' || fail "set-audit-policy"
# The pages' colours: stored in lower case; anything but #rrggbb is refused
# naming the field, and the colours stay as they were.
ctl account set-branding --set primary_color=#0F766E >/dev/null
ctl account get-policy branding | grep -q '"primary_color": "#0f766e"' || fail "set-branding"
if ctl account set-branding --set 'background_color=#fff;}' 2>"$dir/err"; then
  fail "a colour that is not #rrggbb was taken"
fi
grep -q "background_color" "$dir/err" || fail "the refusal names the field: $(cat "$dir/err")"
ctl account get-policy branding | grep -q '"background_color": "#f6f8fa"' || fail "branding changed"

# A user's own password change, and a fresh set of recovery codes.
printf 'Initial-Pass-9x\n' | ctl user set-password bob --permanent >/dev/null
printf 'Initial-Pass-9x\n' | $iamctl --profile bob login --account acme --username bob >/dev/null
printf 'Initial-Pass-9x\nSecond-Pass-7y\n' | $iamctl --profile bob password change \
  | grep -qx "password changed" || fail "password change"
printf 'Second-Pass-7y\n' | $iamctl --profile bob login --account acme --username bob \
  | grep -q "logged in as bob" || fail "login with the new password"
secret=$($iamctl --profile bob -o json mfa enroll | sed -n 's/.*"secret": *"\([A-Z2-7]*\)".*/\1/p')
$iamctl --profile bob mfa confirm "$(oathtool --totp -b "$secret")" >/dev/null
sleep 1
code=$(oathtool --totp -b "$secret" -N "+30 seconds")
if $iamctl --profile bob mfa recovery-codes --code 000000 2>/dev/null; then
  fail "recovery codes for a wrong code"
fi
$iamctl --profile bob mfa recovery-codes --code "$code" 2>"$dir/err" | grep -c "^  " | grep -qx 10 \
  || fail "recovery-codes: $(cat "$dir/err")"

ctl user delete bob | grep -qx "deleted user bob" || fail "user delete"

# OAuth clients: the options set single metadata fields and keep the rest.
ctl client create reports --grant client_credentials --scope "r w" --audience api \
  --cidr 10.0.0.0/8 --access-token-ttl 300 --name "Reports" >"$dir/client"
grep -q "^client secret (shown once): " "$dir/client" || fail "client create: no secret shown"
ctl client logout-deliveries reports | grep -q "^SESSION *STATE *ATTEMPTS" \
  || fail "client logout-deliveries"
if ctl client logout-deliveries "no such'client" 2>"$dir/err"; then fail "a bad client id listed"; fi
grep -q "INVALID_ARGUMENT: client_id" "$dir/err" || fail "logout-deliveries: $(cat "$dir/err")"
grep -q "service-account-reports" "$dir/client" || fail "client create: no service account"
ctl client get reports >"$dir/client.json"
for field in '"scope": "r w"' '"access_token_ttl": 300' '"10.0.0.0/8"' '"client_name": "Reports"'; do
  grep -q "$field" "$dir/client.json" || fail "client get lacks $field: $(cat "$dir/client.json")"
done
ctl user get service-account-reports -o json | grep -q '"service_account": true' \
  || fail "the service account is not marked"
ctl client update reports --scope "r" --disable >/dev/null
ctl client get reports >"$dir/client.json"
grep -q '"scope": "r"' "$dir/client.json" || fail "client update --scope"
grep -q '"access_token_ttl": 300' "$dir/client.json" || fail "client update kept the ttl"
grep -q '^reports *disabled' "$dir/client.json" || fail "client update --disable"
ctl client update reports --enable | grep -q "reports *active" || fail "client update --enable"
ctl client rotate-secret reports --grace 1h >"$dir/rotated"
grep -q "previous secret accepted until" "$dir/rotated" || fail "rotate-secret --grace"
grep -q "^client secret (shown once): " "$dir/rotated" || fail "rotate-secret: no secret"
printf '{"keys":[{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}' >"$dir/jwks.json"
ctl client create signer --grant client_credentials --auth-method private_key_jwt \
  --jwks-file "$dir/jwks.json" | grep -q "signer .*private_key_jwt" || fail "client create --jwks-file"
if ctl client create bad --redirect-uri "javascript:alert(1)" 2>"$dir/err"; then
  fail "a javascript: redirect URI was accepted"
fi
grep -q "redirect_uris\[0\]" "$dir/err" || fail "redirect URI error: $(cat "$dir/err")"
# A browser app: the code flow, its redirect and logout URIs, PKCE.
ctl client create wiki --grant authorization_code --grant refresh_token --auth-method none \
  --redirect-uri https://wiki.example/cb --post-logout-redirect-uri https://wiki.example/bye \
  --scope "openid profile" >/dev/null || fail "client create (authorization_code)"
ctl client get wiki >"$dir/wiki.json"
for field in '"https://wiki.example/cb"' '"https://wiki.example/bye"' '"require_pkce": true'; do
  grep -q "$field" "$dir/wiki.json" || fail "client get wiki lacks $field: $(cat "$dir/wiki.json")"
done
if ctl client update wiki --require-pkce false 2>"$dir/err"; then
  fail "a public client turned PKCE off"
fi
grep -q "require_pkce" "$dir/err" || fail "require_pkce error: $(cat "$dir/err")"
ctl client delete wiki | grep -qx deleted || fail "client delete wiki"
ctl client list | grep -c "service-account-" | grep -qx 2 || fail "client list"
ctl client create-initial-token --uses 3 --ttl 2h --description ci >"$dir/iat"
grep -q "^initial access token (shown once): " "$dir/iat" || fail "create-initial-token"
iat_id=$(ctl -o json client list-initial-tokens | sed -n 's/.*"id": *"\([A-Z0-9]*\)".*/\1/p' | head -1)
ctl client list-initial-tokens | grep -q "ci" || fail "list-initial-tokens"
ctl client delete-initial-token "$iat_id" | grep -qx deleted || fail "delete-initial-token"
ctl client delete reports | grep -qx deleted || fail "client delete"
if ctl user get service-account-reports 2>/dev/null; then fail "the service account outlived its client"; fi

# Tags of users, roles and clients (a client's on its service account).
ctl user create tina >/dev/null
ctl user tag tina team=payments cost-center=42 | grep -q "cost-center *42" || fail "user tag"
ctl user tags tina | grep -q "team *payments" || fail "user tags"
ctl user untag tina team | grep -q "team" && fail "user untag left the tag"
ctl user tags tina | grep -q "cost-center" || fail "untag removed another tag"
if ctl user tag tina not-a-pair 2>"$dir/err"; then fail "a tag without = was accepted"; fi
grep -q 'tags: "not-a-pair" is not KEY=VALUE' "$dir/err" || fail "tag error: $(cat "$dir/err")"
ctl role create tagged >/dev/null
ctl role tag tagged tier=gold | grep -q "tier *gold" || fail "role tag"
ctl role untag tagged tier >/dev/null && ctl role tags tagged | grep -q tier && fail "role untag"
ctl client create tagme --grant client_credentials >/dev/null
ctl client tag tagme env=prod >/dev/null
ctl user tags service-account-tagme | grep -q "env *prod" || fail "client tag: not on its account"
ctl client tags tagme | grep -q "env *prod" || fail "client tags"
ctl client delete tagme >/dev/null

# A user with a first password from stdin, in one step; a refused one
# creates nothing.
printf 'stdin-given-password-8\n' | ctl user create dora --password-stdin --require-change >/dev/null
printf 'stdin-given-password-8\n' |
  $iamctl --profile dora login --account acme --username dora >"$dir/dora" 2>&1 || true
grep -q "the password must be changed" "$dir/dora" || fail "--require-change: $(cat "$dir/dora")"
printf 'x\n' | ctl user create eve --password-stdin 2>"$dir/err" && fail "a weak first password"
grep -q "password:" "$dir/err" || fail "first password refusal: $(cat "$dir/err")"
ctl user get eve 2>/dev/null && fail "a refused first password left the user behind"
printf 'stdin-given-password-8\n' | ctl user create frank --password-stdin >/dev/null
printf 'stdin-given-password-8\n' | $iamctl --profile frank login --account acme \
  --username frank | grep -q "logged in as frank" || fail "a permanent first password"

# Profiles, listed without secrets.
ctl configure list >"$dir/profiles"
grep -q "^acme \* .*access key AK" "$dir/profiles" || fail "configure list: $(cat "$dir/profiles")"
grep -q "^frank .*login session" "$dir/profiles" || fail "configure list session"
grep -q "$(cut -d. -f2 <<<"$key")" "$dir/profiles" && fail "configure list showed a secret"
ctl -o json configure list | grep -q '"current": true' || fail "configure list -o json"

# YAML output.
ctl -o yaml user get tina >"$dir/tina.yaml"
grep -q "^username: tina$" "$dir/tina.yaml" || fail "-o yaml: $(cat "$dir/tina.yaml")"
grep -q "^state: USER_STATE_ACTIVE$" "$dir/tina.yaml" || fail "-o yaml state: $(cat "$dir/tina.yaml")"

# Completion: generated from the command table.
$iamctl completion bash >"$dir/completion.bash"
bash -c '
  source "$1"
  complete_words() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _iamctl; echo "${COMPREPLY[*]}"; }
  [[ " $(complete_words iamctl us) " == *" user "* ]] || exit 11
  [[ " $(complete_words iamctl user cr) " == *" create "* ]] || exit 12
  [[ " $(complete_words iamctl user create bob --pa) " == *" --password-stdin "* ]] || exit 13
  [[ " $(complete_words iamctl audit query --result "") " == *" denied "* ]] || exit 14
  [[ " $(complete_words iamctl --profile acme -o "") " == *" yaml "* ]] || exit 15
  words=" $(complete_words iamctl user t) "
  [[ $words == *" tag "* && $words == *" tags "* && $words != *" untag "* ]] || exit 16
  [[ -z "$(complete_words iamctl user create bob --zz)" ]] || exit 17
' _ "$dir/completion.bash" || fail "bash completion (case $?)"
$iamctl completion zsh >"$dir/completion.zsh"
grep -q "^autoload -U +X bashcompinit" "$dir/completion.zsh" || fail "zsh completion"
echo "iamctl commands: ok"
