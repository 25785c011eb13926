# Where runners come from: per tier a launch template (image, instance profile, security
# group, IMDSv2, terminate on shutdown, the boot script as user data), and the scale-up
# function that launches instant fleets from it, fed by the tier queues.

locals {
  tier_images = { for name, tier in var.runner_tiers : name => coalesce(tier.ami, lookup(var.runner_images, tier.runner_architecture, null)) }

  image_parameters = toset([for image in values(local.tier_images) : image if startswith(image, "/")])

  tier_image_ids = {
    for name, image in local.tier_images :
    name => startswith(image, "/") ? data.aws_ssm_parameter.runner_image[image].insecure_value : image
  }

  boot_script = file("${path.module}/../../src/adapters/aws/runner-boot.sh")

  tier_user_data = {
    for name, tier in var.runner_tiers : name => templatefile("${path.module}/templates/runner-user-data.sh.tftpl", {
      environment     = var.prefix
      tier            = name
      architecture    = tier.runner_architecture
      install_version = var.runner_install == null ? "" : var.runner_install.version
      install_sha256  = var.runner_install == null ? "" : lookup(var.runner_install.sha256, tier.runner_architecture, "")
      boot_script     = local.boot_script
    })
  }
}

data "aws_ssm_parameter" "runner_image" {
  for_each = local.image_parameters

  name = each.value
}

resource "aws_security_group" "runners" {
  name        = "${var.prefix}-runners"
  description = "Runners of ${var.prefix}: no inbound traffic; outbound to GitHub and AWS"
  vpc_id      = var.vpc_id

  tags = merge(local.tags, { Name = "${var.prefix}-runners" })
}

resource "aws_vpc_security_group_egress_rule" "runners_ipv4" {
  security_group_id = aws_security_group.runners.id
  description       = "Jobs reach whatever their workflows need"
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"

  tags = local.tags
}

resource "aws_vpc_security_group_egress_rule" "runners_ipv6" {
  security_group_id = aws_security_group.runners.id
  description       = "Jobs reach whatever their workflows need"
  ip_protocol       = "-1"
  cidr_ipv6         = "::/0"

  tags = local.tags
}

resource "aws_launch_template" "tier" {
  for_each = var.runner_tiers

  name        = "${var.prefix}-${each.key}"
  description = "Runners of tier ${each.key} of ${var.prefix}"
  image_id    = local.tier_image_ids[each.key]
  user_data   = base64encode(local.tier_user_data[each.key])

  # The boot script powers the machine off when its one job is done; this ends the instance.
  instance_initiated_shutdown_behavior = "terminate"
  vpc_security_group_ids               = [aws_security_group.runners.id]
  update_default_version               = true

  iam_instance_profile {
    arn = aws_iam_instance_profile.runner.arn
  }

  # IMDSv2 only, and one hop: a job's containers cannot reach the instance's credentials.
  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
    instance_metadata_tags      = "disabled"
  }

  # No tags of its own: what carries cost is tagged per launch, for its tenant, by the fleet
  # request.
}

resource "aws_lambda_function" "scale_up" {
  function_name    = local.function_names["scale-up"]
  description      = local.functions["scale-up"].description
  role             = aws_iam_role.function["scale-up"].arn
  filename         = var.lambda_zips.scale_up
  source_code_hash = filebase64sha256(var.lambda_zips.scale_up)
  handler          = local.lambda_handler
  runtime          = var.lambda_runtime
  architectures    = [var.lambda_architecture]
  timeout          = local.functions["scale-up"].timeout
  memory_size      = local.functions["scale-up"].memory_size

  environment {
    variables = local.lambda_environment
  }

  lifecycle {
    precondition {
      condition     = local.lambda_environment_bytes <= 4096
      error_message = "The functions' environment would be ${local.lambda_environment_bytes} bytes; Lambda allows 4096. Use fewer tiers or shorter label lists."
    }
  }

  tags = local.tags

  depends_on = [aws_cloudwatch_log_group.function, aws_iam_role_policy.function]
}

# One function for every tier queue: a tier is configuration, not code, so a new tier needs a
# queue and a mapping but no new function. Each mapping reports per-message failures, so one
# message's retry never repeats the rest of its batch.
resource "aws_lambda_event_source_mapping" "tier" {
  for_each = var.runner_tiers

  function_name           = aws_lambda_function.scale_up.arn
  event_source_arn        = aws_sqs_queue.work[each.key].arn
  enabled                 = var.event_source_mappings_enabled
  batch_size              = var.batch_size
  function_response_types = ["ReportBatchItemFailures"]

  tags = local.tags
}
