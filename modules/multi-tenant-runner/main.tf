data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name

  # The functions, by the name they carry after the prefix. Each has its own role, log group
  # and timeout: the webhook must answer within GitHub's 10 seconds, and a sweep ends well
  # before the default schedule starts the next one.
  functions = {
    webhook = {
      description = "Verifies, records and queues the GitHub App's webhook deliveries."
      timeout     = 10
      memory_size = 512
    }
    scale-up = {
      description = "Reconciles a tenant's tier from its queue: takes slots, mints JIT configs, launches runners."
      timeout     = 120
      memory_size = 512
    }
    tenant-manager = {
      description = "Runs tenant lifecycle work from the tenant-events queue: stops the runners of removed installations."
      timeout     = 120
      memory_size = 512
    }
    reconciler = {
      description = "Sweeps on a schedule: missed demand, stray instances, stale JIT configs, slots of gone runners."
      timeout     = 100
      memory_size = 512
    }
  }

  function_names = { for name, _ in local.functions : name => "${var.prefix}-${name}" }

  tags = merge(var.tags, { "ghr:environment" = var.prefix })
}

locals {
  # Each bundle is one file, index.mjs, exporting `handler`.
  lambda_handler = "index.handler"

  # The tiers as the functions read them (GHR_TIERS, src/lambda/lambda-tier-settings.ts): the
  # tier's own fields plus where its instances start.
  lambda_tiers = {
    for name, tier in var.runner_tiers : name => {
      labels              = tier.labels
      runner_os           = tier.runner_os
      runner_architecture = tier.runner_architecture
      instance_types      = tier.instance_types
      spot                = tier.spot
      max_runners         = tier.max_runners
      launch_template = {
        id      = aws_launch_template.tier[name].id
        version = tostring(aws_launch_template.tier[name].latest_version)
      }
      subnet_ids = var.subnet_ids
    }
  }

  # The environment every function reads (src/lambda/lambda-config.ts, docs/aws.md). It names
  # the App's parameters; no secret is in it. Tables and queues follow from GHR_PREFIX.
  lambda_environment = {
    GHR_PREFIX                    = var.prefix
    GHR_TIERS                     = jsonencode(local.lambda_tiers)
    GHR_DEFAULT_TIER              = var.default_tenant_tier
    GHR_MATCH_MODE                = var.match_mode
    GHR_GITHUB_API_URL            = var.github_api_url
    GHR_APP_ID_PARAMETER          = aws_ssm_parameter.app_id.name
    GHR_APP_PRIVATE_KEY_PARAMETER = aws_ssm_parameter.app_private_key.name
    GHR_WEBHOOK_SECRET_PARAMETER  = aws_ssm_parameter.webhook_secret.name
    GHR_ACCOUNT_ID                = local.account_id
    GHR_PARTITION                 = local.partition
    GHR_LOG_LEVEL                 = var.log_level
    GHR_BATCH_CONCURRENCY         = tostring(var.batch_concurrency)
  }

  # Lambda refuses an environment over 4 KB; many tiers with long label lists can reach it.
  lambda_environment_bytes = length(jsonencode(local.lambda_environment))
}
