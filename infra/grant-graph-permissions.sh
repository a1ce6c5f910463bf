#!/usr/bin/env bash
# Grants Rewind's managed identity its Microsoft Graph application permissions (app role assignments on the
# Microsoft Graph service principal). Bicep cannot do this; an administrator runs it once per environment, after
# `teamsapp provision`. Idempotent: a permission already assigned is reported and left alone, nothing is removed.
#
# The lists below are the ones in infra/README.md ("Microsoft Graph permissions"), which gives the Graph calls that
# need each permission; infra/test/grant-script.test.ts keeps the two equal.
#
# Needs: the Azure CLI, signed in (`az login`) as a Privileged Role Administrator or Global Administrator of the
# tenant (granting application permissions of Microsoft Graph is admin consent).
#
# Usage:
#   infra/grant-graph-permissions.sh [--env <name> | --principal-id <object id>] [--backup-only] [--dry-run]
#     --env <name>          read MANAGED_IDENTITY_PRINCIPAL_ID from env/.env.<name> (default: dev)
#     --principal-id <id>   the managed identity's service principal object id (Bicep output MANAGED_IDENTITY_PRINCIPAL_ID)
#     --backup-only         only the read-only permissions (backups, browsing, the bot's membership checks)
#     --dry-run             look everything up and print what would be granted, grant nothing
set -euo pipefail

GRAPH_APP_ID='00000003-0000-0000-c000-000000000000'
GRAPH='https://graph.microsoft.com/v1.0'

# Read-only: backups, browsing, diffs, and the bot's live membership checks.
BACKUP_PERMISSIONS=(
  User.Read.All
  GroupMember.Read.All
  Group.Read.All
  Member.Read.Hidden
  AdministrativeUnit.Read.All
  RoleManagement.Read.Directory
  LicenseAssignment.Read.All
  Directory.Read.All
)

# The writes a restore (and an undo) makes; granted in addition unless --backup-only.
RESTORE_PERMISSIONS=(
  User.ReadWrite.All
  User.DeleteRestore.All
  Group.Create
  Group.ReadWrite.All
  GroupMember.ReadWrite.All
  AdministrativeUnit.ReadWrite.All
  RoleManagement.ReadWrite.Directory
  LicenseAssignment.ReadWrite.All
  UserAuthenticationMethod.ReadWrite.All
)

usage() {
  sed -n '/^# Usage:/,/^set -euo pipefail$/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
}

# Written for bash 3.2 (macOS) as well: no associative arrays, no ${var,,}.

# contains <value> <item>...: whether value is one of the items (exact match).
contains() {
  local value="$1"
  shift
  local item
  for item in "$@"; do
    [[ "$item" == "$value" ]] && return 0
  done
  return 1
}

fail() {
  echo "grant-graph-permissions: $*" >&2
  exit 1
}

env_name='dev'
principal_id=''
backup_only=false
dry_run=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    --env)
      [[ $# -ge 2 ]] || fail '--env needs a value'
      env_name="$2"
      shift 2
      ;;
    --principal-id)
      [[ $# -ge 2 ]] || fail '--principal-id needs a value'
      principal_id="$2"
      shift 2
      ;;
    --backup-only)
      backup_only=true
      shift
      ;;
    --dry-run)
      dry_run=true
      shift
      ;;
    -h | --help)
      usage
      exit 0
      ;;
    *)
      usage >&2
      fail "unknown argument: $1"
      ;;
  esac
done

if [[ -z "$principal_id" ]]; then
  env_file="$(dirname "$0")/../env/.env.${env_name}"
  [[ -f "$env_file" ]] || fail "no $env_file; pass --principal-id, or --env with a provisioned environment"
  principal_id="$(sed -n 's/^MANAGED_IDENTITY_PRINCIPAL_ID=//p' "$env_file" | tail -n 1 | tr -d '"'"'"' \r')"
  [[ -n "$principal_id" ]] || fail "MANAGED_IDENTITY_PRINCIPAL_ID is empty in $env_file; run \`teamsapp provision --env ${env_name}\` first, or pass --principal-id"
fi
[[ "$principal_id" =~ ^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$ ]] ||
  fail "the principal id \"$principal_id\" is not a GUID"
principal_id="$(tr '[:upper:]' '[:lower:]' <<<"$principal_id")"

wanted=("${BACKUP_PERMISSIONS[@]}")
if [[ "$backup_only" == false ]]; then
  wanted+=("${RESTORE_PERMISSIONS[@]}")
fi

command -v az >/dev/null 2>&1 || fail 'the Azure CLI (az) is not installed: https://learn.microsoft.com/cli/azure/install-azure-cli'
az account show --only-show-errors >/dev/null 2>&1 || fail 'not signed in to the Azure CLI; run `az login` as an administrator of the tenant'

# graph_get <url> <JMESPath query>: GETs a Graph URL with `az rest` and prints the query's result as TSV, without
# the carriage returns the Windows build of az adds.
graph_get() {
  local out
  out="$(az rest --only-show-errors --method GET --url "$1" --query "$2" --output tsv)" || return 1
  printf '%s' "${out//$'\r'/}"
}

# The managed identity's service principal (new identities can take a minute to appear in Graph).
identity_name="$(graph_get "${GRAPH}/servicePrincipals/${principal_id}?\$select=id,displayName" displayName)" ||
  fail "no service principal with id ${principal_id} (a new managed identity can take a minute to appear; try again)"

# Microsoft Graph's service principal, and its application permissions as "value<TAB>id" lines.
graph_sp_id="$(graph_get "${GRAPH}/servicePrincipals(appId='${GRAPH_APP_ID}')?\$select=id" id)"
app_roles="$(graph_get "${GRAPH}/servicePrincipals(appId='${GRAPH_APP_ID}')?\$select=appRoles" \
  "appRoles[?contains(allowedMemberTypes, 'Application')].[value, id]")"

# role_id_of <permission>: the app role id of a Graph application permission, from $app_roles.
role_id_of() {
  local value id
  while IFS=$'\t' read -r value id; do
    if [[ "$value" == "$1" ]]; then
      echo "$id"
      return 0
    fi
  done <<<"$app_roles"
  return 1
}

# is_assigned <app role id>: whether it is one of the lines of $assigned (Graph writes both ids in lowercase).
is_assigned() {
  [[ $'\n'"$assigned"$'\n' == *$'\n'"$1"$'\n'* ]]
}

# App roles of Microsoft Graph already assigned to the identity, one id per line, following @odata.nextLink.
assigned=''
url="${GRAPH}/servicePrincipals/${principal_id}/appRoleAssignments?\$select=appRoleId,resourceId"
while [[ -n "$url" ]]; do
  assigned+="$(graph_get "$url" "value[?resourceId=='${graph_sp_id}'].appRoleId")"$'\n'
  url="$(graph_get "$url" '"@odata.nextLink"')"
done

echo "Microsoft Graph application permissions for ${identity_name} (${principal_id})$([[ "$backup_only" == true ]] && echo ', backup only')$([[ "$dry_run" == true ]] && echo ', dry run'):"
granted=0
present=0
for permission in "${wanted[@]}"; do
  role_id="$(role_id_of "$permission")" || fail "Microsoft Graph has no application permission named ${permission}"
  if is_assigned "$role_id"; then
    echo "  already granted  ${permission}"
    present=$((present + 1))
  elif [[ "$dry_run" == true ]]; then
    echo "  would grant      ${permission}"
  else
    az rest --only-show-errors --method POST \
      --url "${GRAPH}/servicePrincipals/${principal_id}/appRoleAssignments" \
      --headers 'Content-Type=application/json' \
      --body "{\"principalId\":\"${principal_id}\",\"resourceId\":\"${graph_sp_id}\",\"appRoleId\":\"${role_id}\"}" \
      --output none
    echo "  granted          ${permission}"
    granted=$((granted + 1))
  fi
done

# Assigned Graph permissions outside the wanted set (e.g. restore permissions when run with --backup-only) are
# listed, not removed.
while IFS=$'\t' read -r value id; do
  [[ -n "$id" ]] || continue
  if is_assigned "$id" && ! contains "$value" "${wanted[@]}"; then
    echo "  left as it is    ${value} (assigned, not in this list; remove it in the Entra admin center if unwanted)"
  fi
done <<<"$app_roles"

echo "Done: ${granted} granted, ${present} already granted."
