# Least privilege, per function and for the runner instances. Every function reads and writes
# the three tables (the core's stores) and its own log group. Beyond that:
#
#   webhook         reads the webhook secret, sends to the work queues. No GitHub key, no EC2.
#   scale-up,       read the App's id and key, run queued work: launch instant fleets from the
#   tenant-manager  tier templates, hand JIT configs over in /<prefix>/runners/, stop runners;
#                   each receives from its own queues only.
#   reconciler      reads the App's id and key, lists and stops runner instances, lists and
#                   removes JIT configs, sends work. It launches nothing.
#
# The runner instances may read and delete only their own JIT parameter.

locals {
  arn_prefix = {
    ec2 = "arn:${local.partition}:ec2:${local.region}:${local.account_id}"
    ssm = "arn:${local.partition}:ssm:${local.region}:${local.account_id}"
  }

  runner_parameters_arn = "${local.arn_prefix.ssm}:parameter/${var.prefix}/runners/*"

  work_queue_arns        = [for queue in aws_sqs_queue.work : queue.arn]
  dead_letter_queue_arns = [for queue in aws_sqs_queue.dead_letter : queue.arn]
  launch_template_arns   = [for template in aws_launch_template.tier : template.arn]

  # The queues each consuming function receives from.
  consumed_queue_arns = {
    scale-up       = [for name, _ in var.runner_tiers : aws_sqs_queue.work[name].arn]
    tenant-manager = [aws_sqs_queue.work[local.tenant_events_key].arn]
  }

  function_policies = {
    webhook        = data.aws_iam_policy_document.webhook.json
    scale-up       = data.aws_iam_policy_document.worker["scale-up"].json
    tenant-manager = data.aws_iam_policy_document.worker["tenant-manager"].json
    reconciler     = data.aws_iam_policy_document.reconciler.json
  }

  any_spot_tier = anytrue([for tier in values(var.runner_tiers) : tier.spot])
}

data "aws_iam_policy_document" "lambda_trust" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "function" {
  for_each = local.function_names

  name               = "${each.value}-lambda"
  description        = "The ${each.key} function of ${var.prefix}"
  assume_role_policy = data.aws_iam_policy_document.lambda_trust.json

  tags = local.tags
}

resource "aws_iam_role_policy" "function" {
  for_each = local.function_names

  name   = "${each.value}-lambda"
  role   = aws_iam_role.function[each.key].id
  policy = local.function_policies[each.key]
}

# What every function does: write its log group, and use the stores.
data "aws_iam_policy_document" "function_base" {
  for_each = local.function_names

  statement {
    sid       = "OwnLogGroup"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.function[each.key].arn}:*"]
  }

  # No DeleteItem and no Scan: the functions' stores never delete (expiry is DynamoDB's TTL)
  # and never list tenants. Transactions are authorized item by item.
  statement {
    sid = "Stores"
    actions = [
      "dynamodb:ConditionCheckItem",
      "dynamodb:GetItem",
      "dynamodb:PutItem",
      "dynamodb:UpdateItem",
    ]
    resources = [
      aws_dynamodb_table.tenants.arn,
      aws_dynamodb_table.ledger.arn,
      aws_dynamodb_table.deliveries.arn,
    ]
  }

  statement {
    sid       = "LedgerIndexes"
    actions   = ["dynamodb:Query"]
    resources = [aws_dynamodb_table.ledger.arn, "${aws_dynamodb_table.ledger.arn}/index/*"]
  }
}

data "aws_iam_policy_document" "webhook" {
  source_policy_documents = [data.aws_iam_policy_document.function_base["webhook"].json]

  statement {
    sid       = "WebhookSecret"
    actions   = ["ssm:GetParameters"]
    resources = [aws_ssm_parameter.webhook_secret.arn]
  }

  statement {
    sid       = "SendWork"
    actions   = ["sqs:GetQueueUrl", "sqs:SendMessage"]
    resources = local.work_queue_arns
  }
}

# What the functions that act as the App share: its credentials, the queues' state, and
# stopping runners and removing their JIT configs.
data "aws_iam_policy_document" "control_plane" {
  statement {
    sid       = "AppCredentials"
    actions   = ["ssm:GetParameters"]
    resources = [aws_ssm_parameter.app_id.arn, aws_ssm_parameter.app_private_key.arn]
  }

  statement {
    sid       = "SendWork"
    actions   = ["sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:SendMessage"]
    resources = local.work_queue_arns
  }

  statement {
    sid       = "CountDeadLetters"
    actions   = ["sqs:GetQueueAttributes", "sqs:GetQueueUrl"]
    resources = local.dead_letter_queue_arns
  }

  statement {
    sid       = "ListRunners"
    actions   = ["ec2:DescribeInstances"]
    resources = ["*"]
  }

  statement {
    sid       = "StopOwnRunners"
    actions   = ["ec2:TerminateInstances"]
    resources = ["${local.arn_prefix.ec2}:instance/*"]

    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/ghr:environment"
      values   = [var.prefix]
    }
  }

  statement {
    sid       = "ListJitConfigs"
    actions   = ["ssm:DescribeParameters"]
    resources = ["*"]
  }

  statement {
    sid       = "RemoveJitConfigs"
    actions   = ["ssm:DeleteParameter", "ssm:DeleteParameters"]
    resources = [local.runner_parameters_arn]
  }
}

data "aws_iam_policy_document" "worker" {
  for_each = local.consumed_queue_arns

  source_policy_documents = [
    data.aws_iam_policy_document.function_base[each.key].json,
    data.aws_iam_policy_document.control_plane.json,
  ]

  statement {
    sid       = "ConsumeOwnQueues"
    actions   = ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"]
    resources = each.value
  }

  # A retry changes the visibility of the message it came from, on whichever work queue that
  # was; malformed work goes straight to its queue's dead-letter queue.
  statement {
    sid       = "Retry"
    actions   = ["sqs:ChangeMessageVisibility"]
    resources = local.work_queue_arns
  }

  statement {
    sid       = "DeadLetter"
    actions   = ["sqs:SendMessage"]
    resources = local.dead_letter_queue_arns
  }

  statement {
    sid       = "LaunchFleets"
    actions   = ["ec2:CreateFleet"]
    resources = ["*"]
  }

  statement {
    sid       = "RunFromTierTemplates"
    actions   = ["ec2:RunInstances"]
    resources = local.launch_template_arns
  }

  # Everything else a launch touches, and only when it comes from a tier's template.
  statement {
    sid     = "RunWithTierTemplates"
    actions = ["ec2:RunInstances"]
    resources = [
      "${local.arn_prefix.ec2}:instance/*",
      "${local.arn_prefix.ec2}:volume/*",
      "${local.arn_prefix.ec2}:network-interface/*",
      "${local.arn_prefix.ec2}:subnet/*",
      "${local.arn_prefix.ec2}:security-group/*",
      "${local.arn_prefix.ec2}:spot-instances-request/*",
      "arn:${local.partition}:ec2:${local.region}::image/*",
    ]

    condition {
      test     = "ArnEquals"
      variable = "ec2:LaunchTemplate"
      values   = local.launch_template_arns
    }
  }

  # The tenant's tags go on at launch, in the CreateFleet request itself.
  statement {
    sid     = "TagAtLaunch"
    actions = ["ec2:CreateTags"]
    resources = [
      "${local.arn_prefix.ec2}:fleet/*",
      "${local.arn_prefix.ec2}:instance/*",
      "${local.arn_prefix.ec2}:volume/*",
      "${local.arn_prefix.ec2}:network-interface/*",
      "${local.arn_prefix.ec2}:spot-instances-request/*",
    ]

    condition {
      test     = "StringEquals"
      variable = "ec2:CreateAction"
      values   = ["CreateFleet", "RunInstances"]
    }
  }

  statement {
    sid       = "PassRunnerRole"
    actions   = ["iam:PassRole"]
    resources = [aws_iam_role.runner.arn]

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["ec2.amazonaws.com"]
    }
  }

  # The first Spot launch of an account makes EC2's service-linked role for Spot.
  dynamic "statement" {
    for_each = local.any_spot_tier ? [1] : []

    content {
      sid       = "SpotServiceRole"
      actions   = ["iam:CreateServiceLinkedRole"]
      resources = ["*"]

      condition {
        test     = "StringEquals"
        variable = "iam:AWSServiceName"
        values   = ["spot.amazonaws.com"]
      }
    }
  }

  statement {
    sid       = "HandOverJitConfigs"
    actions   = ["ssm:AddTagsToResource", "ssm:PutParameter"]
    resources = [local.runner_parameters_arn]
  }
}

data "aws_iam_policy_document" "reconciler" {
  source_policy_documents = [
    data.aws_iam_policy_document.function_base["reconciler"].json,
    data.aws_iam_policy_document.control_plane.json,
  ]
}

# The runner instances: their own JIT config, nothing else (docs/aws-compute.md).

data "aws_iam_policy_document" "runner_trust" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "runner" {
  name               = "${var.prefix}-runner"
  description        = "Runner instances of ${var.prefix}: each reads and deletes its own JIT config"
  assume_role_policy = data.aws_iam_policy_document.runner_trust.json

  tags = local.tags
}

data "aws_iam_policy_document" "runner" {
  # The parameter's ghr:instance_arn tag, written by the control plane from the id CreateFleet
  # returned, must be the ARN of the instance the credentials were issued to. Credentials
  # without a source instance (copied off the machine) match nothing.
  statement {
    sid       = "TakeOwnJitConfig"
    actions   = ["ssm:GetParameter", "ssm:DeleteParameter"]
    resources = ["${local.arn_prefix.ssm}:parameter/${var.prefix}/runners/i-*"]

    condition {
      test     = "StringEquals"
      variable = "ssm:resourceTag/ghr:instance_arn"
      values   = ["$${ec2:SourceInstanceARN}"]
    }

    condition {
      test     = "Null"
      variable = "ec2:SourceInstanceARN"
      values   = ["false"]
    }
  }
}

resource "aws_iam_role_policy" "runner" {
  name   = "${var.prefix}-runner"
  role   = aws_iam_role.runner.id
  policy = data.aws_iam_policy_document.runner.json
}

resource "aws_iam_instance_profile" "runner" {
  name = "${var.prefix}-runner"
  role = aws_iam_role.runner.name

  tags = local.tags
}
