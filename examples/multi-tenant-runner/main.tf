provider "aws" {
  region = var.aws_region
}

locals {
  environment = coalesce(var.environment, "multi-tenant")
  vpc_id      = coalesce(var.vpc_id, one(data.aws_vpc.default[*].id))
  subnet_ids  = var.subnet_ids != null ? var.subnet_ids : one(data.aws_subnets.default[*].ids)

  # The functions as `npm ci && npm run build` writes them at the repository root.
  lambda_dir = "${path.module}/../../dist/lambda"

  labels = ["self-hosted", "linux", "x64"]
}

data "aws_vpc" "default" {
  count = var.vpc_id == null ? 1 : 0

  default = true
}

data "aws_subnets" "default" {
  count = var.subnet_ids == null ? 1 : 0

  filter {
    name   = "vpc-id"
    values = [local.vpc_id]
  }

  filter {
    name   = "default-for-az"
    values = ["true"]
  }
}

module "runners" {
  source = "../../modules/multi-tenant-runner"

  prefix     = local.environment
  github_app = var.github_app

  # A new tenant starts on small: at most 2 runners at once.
  default_tenant_tier = "small"

  runner_tiers = {
    small = {
      runner_os           = "linux"
      runner_architecture = "x64"
      instance_types      = ["t3.medium"]
      max_runners         = 2
      labels              = concat(local.labels, ["small"])
    }
    medium = {
      runner_os           = "linux"
      runner_architecture = "x64"
      instance_types      = ["t3.large", "m5.large"]
      max_runners         = 5
      labels              = concat(local.labels, ["medium"])
    }
    large = {
      runner_os           = "linux"
      runner_architecture = "x64"
      instance_types      = ["t3.xlarge", "m5.xlarge"]
      max_runners         = 10
      labels              = concat(local.labels, ["large"])
    }
  }

  vpc_id     = local.vpc_id
  subnet_ids = local.subnet_ids

  lambda_zips = {
    webhook        = "${local.lambda_dir}/webhook.zip"
    scale_up       = "${local.lambda_dir}/scale-up.zip"
    tenant_manager = "${local.lambda_dir}/tenant-manager.zip"
    reconciler     = "${local.lambda_dir}/reconciler.zip"
  }
}
