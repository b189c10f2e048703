#!/usr/bin/env bash
# Deploy PDF Studio to AWS with the open-source Serverless Framework (osls, a devDependency).
#
#   scripts/deploy.sh --stage dev|staging|prod|<any> [--region R] [--replica-region R]
#                     [--param key=value]... [--dry-run]
#
# Checks tools and credentials, builds the Lambda bundles, deploys the stack
# (pdf-studio-api-<stage>), runs database migrations by invoking the migrate function, and prints
# the API URL and the CloudWatch dashboard link.
# --dry-run needs no AWS account and no network: it builds, packages the stack offline into
# dist/serverless/<stage>/ and lists every resource the deployment would create.
# Params (serverless --param): emailFrom, alarmEmail, corsOrigins, bucketSuffix,
# dynamoBillingMode (PROVISIONED for prod/staging), replicaRegion. DB_PASSWORD (env) is optional.
set -euo pipefail
cd "$(dirname "$0")/.."

STAGE=""
REGION="${AWS_REGION:-us-east-1}"
REPLICA_REGION=""
DRY_RUN=0
PARAMS=()

usage() {
  sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
}
die() { echo "error: $*" >&2; exit 1; }
step() { printf '\n==> %s\n' "$*"; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --stage) STAGE="${2:-}"; shift 2 ;;
    --stage=*) STAGE="${1#*=}"; shift ;;
    --region) REGION="${2:-}"; shift 2 ;;
    --region=*) REGION="${1#*=}"; shift ;;
    --replica-region) REPLICA_REGION="${2:-}"; shift 2 ;;
    --replica-region=*) REPLICA_REGION="${1#*=}"; shift ;;
    --param) PARAMS+=("${2:-}"); shift 2 ;;
    --param=*) PARAMS+=("${1#*=}"); shift ;;
    --dry-run) DRY_RUN=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option: $1" ;;
  esac
done

[[ -n "$STAGE" ]] || { usage >&2; die "--stage is required"; }
# Same rule as STAGE in src/shared/config/schema.ts (names of buckets, tables, functions).
[[ "$STAGE" =~ ^[a-z][a-z0-9-]{0,15}$ ]] || die "stage must be lowercase letters, digits and dashes, starting with a letter (<= 16): $STAGE"
[[ "$REGION" =~ ^[a-z]{2}(-[a-z]+)+-[0-9]$ ]] || die "not an AWS region: $REGION"
if [[ -z "$REPLICA_REGION" ]]; then
  if [[ "$REGION" == "us-east-1" ]]; then REPLICA_REGION="us-west-2"; else REPLICA_REGION="us-east-1"; fi
fi
[[ "$REPLICA_REGION" != "$REGION" ]] || die "--replica-region must differ from --region"
PARAMS+=("replicaRegion=$REPLICA_REGION")
BUCKET_SUFFIX=""
for p in "${PARAMS[@]}"; do [[ "$p" == bucketSuffix=* ]] && BUCKET_SUFFIX="${p#*=}"; done
PARAM_ARGS=()
for p in "${PARAMS[@]}"; do PARAM_ARGS+=(--param "$p"); done
STACK="pdf-studio-api-$STAGE"
DASHBOARD_URL="https://$REGION.console.aws.amazon.com/cloudwatch/home?region=$REGION#dashboards:name=pdf-studio-api-$STAGE"

step "Checking tools"
command -v node >/dev/null || die "node is required (>= 20.19)"
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' \
  || die "node >= 20.19 is required (osls 4.3.1), found $(node -v)"
command -v npm >/dev/null || die "npm is required"
[[ -x node_modules/.bin/osls && -x node_modules/.bin/tsx ]] || die "dependencies missing: run npm install"
echo "node $(node -v), osls $(node_modules/.bin/osls --version 2>/dev/null | sed -n 's/.*version: //p' | head -1)"
if [[ $DRY_RUN -eq 0 ]]; then
  command -v aws >/dev/null || die "the AWS CLI v2 is required (https://docs.aws.amazon.com/cli/)"
  echo "$(aws --version 2>&1)"
elif command -v aws >/dev/null; then
  echo "aws CLI present (not used in a dry run)"
fi

step "Checking generated infrastructure files"
npx tsx scripts/generate-infra.ts --check

if [[ $DRY_RUN -eq 1 ]]; then
  # PDF_STUDIO_DIST: where a dry run writes (default dist/; tests use a temporary directory).
  DIST="${PDF_STUDIO_DIST:-dist}"
  step "Building Lambda bundles (dry run: no AWS calls, no credentials)"
  npx tsx scripts/build.ts --outdir "$DIST/lambda"
  step "Packaging stack $STACK offline"
  npx tsx scripts/infra/package-offline.ts --stage "$STAGE" --region "$REGION" \
    --bundles "$DIST/lambda" --placeholders --out "$DIST/serverless/$STAGE" "${PARAM_ARGS[@]}"
  step "A real deployment would then"
  echo "  - create replica buckets in $REPLICA_REGION (prod only)"
  echo "  - npx osls deploy --stage $STAGE --region $REGION ${PARAM_ARGS[*]}"
  echo "  - run migrations: aws lambda invoke --function-name pdf-studio-api-migrate-$STAGE --region $REGION"
  echo "  - print the API URL (stack output HttpApiUrl) and the dashboard:"
  echo "    $DASHBOARD_URL"
  exit 0
fi

step "Checking AWS credentials"
ACCOUNT="$(aws sts get-caller-identity --query Account --output text --region "$REGION" 2>/dev/null)" \
  || die "no usable AWS credentials (run aws configure, or set AWS_PROFILE)"
echo "account $ACCOUNT, region $REGION, stage $STAGE"
if [[ -n "${DB_PASSWORD:-}" ]]; then
  [[ "$DB_PASSWORD" =~ ^[^\"\\@/[:space:]]{8,128}$ ]] || die "DB_PASSWORD: 8-128 characters, none of \" \\ @ / or spaces"
  echo "database password: from DB_PASSWORD (stored in Secrets Manager)"
else
  echo "database password: generated in Secrets Manager"
fi

step "Building Lambda bundles"
npx tsx scripts/build.ts --strict

if [[ "$STAGE" == "prod" ]]; then
  step "Ensuring cross-region replica buckets in $REPLICA_REGION"
  for kind in uploads files; do
    bucket="pdf-studio-$kind-$STAGE$BUCKET_SUFFIX-replica"
    if aws s3api head-bucket --bucket "$bucket" --region "$REPLICA_REGION" >/dev/null 2>&1; then
      echo "  $bucket exists"
    else
      if [[ "$REPLICA_REGION" == "us-east-1" ]]; then
        aws s3api create-bucket --bucket "$bucket" --region "$REPLICA_REGION" >/dev/null
      else
        aws s3api create-bucket --bucket "$bucket" --region "$REPLICA_REGION" \
          --create-bucket-configuration "LocationConstraint=$REPLICA_REGION" >/dev/null
      fi
      echo "  created $bucket"
    fi
    aws s3api put-bucket-versioning --bucket "$bucket" --versioning-configuration Status=Enabled --region "$REPLICA_REGION"
    aws s3api put-public-access-block --bucket "$bucket" --region "$REPLICA_REGION" \
      --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true
    aws s3api put-bucket-encryption --bucket "$bucket" --region "$REPLICA_REGION" \
      --server-side-encryption-configuration '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"AES256"}}]}'
  done
fi

step "Deploying stack $STACK (this takes a while the first time: RDS and NAT)"
npx osls deploy --stage "$STAGE" --region "$REGION" "${PARAM_ARGS[@]}"

step "Running database migrations (pdf-studio-api-migrate-$STAGE)"
RESULT="$(mktemp)"
FUNCTION_ERROR="$(aws lambda invoke --function-name "pdf-studio-api-migrate-$STAGE" --region "$REGION" \
  --cli-read-timeout 900 --payload '{}' --cli-binary-format raw-in-base64-out \
  --query FunctionError --output text "$RESULT")"
cat "$RESULT"; echo
[[ "$FUNCTION_ERROR" == "None" || -z "$FUNCTION_ERROR" ]] || die "migration failed ($FUNCTION_ERROR); see aws logs tail /aws/lambda/pdf-studio-api-migrate-$STAGE"

output() {
  aws cloudformation describe-stacks --stack-name "$STACK" --region "$REGION" \
    --query "Stacks[0].Outputs[?OutputKey=='$1'].OutputValue" --output text
}
step "Deployed"
echo "API URL:   $(output HttpApiUrl)"
echo "Dashboard: $(output DashboardUrl)"
echo "Logs:      aws logs tail /aws/lambda/pdf-studio-api-api-$STAGE --follow --region $REGION"
