output "webhook_endpoint" {
  description = "Webhook URL to set on the GitHub App."
  value       = "${aws_apigatewayv2_api.webhook.api_endpoint}/webhook"
}

output "webhook_secret" {
  description = "Webhook secret to set on the GitHub App; null when output_webhook_secret is false."
  value       = var.output_webhook_secret ? data.aws_ssm_parameter.webhook_secret[0].value : null
  sensitive   = true
}

output "app_parameters" {
  description = "Names of the SecureString parameters holding the App's id, private key and webhook secret."
  value       = local.app_parameter_names
}

output "tenant_table" {
  description = "DynamoDB table of the tenant registry, keyed by installation_id (N)."
  value = {
    name = aws_dynamodb_table.tenants.name
    arn  = aws_dynamodb_table.tenants.arn
  }
}

output "ledger_table" {
  description = "DynamoDB table of the ledger of jobs, runners and slot counters."
  value = {
    name = aws_dynamodb_table.ledger.name
    arn  = aws_dynamodb_table.ledger.arn
  }
}

output "deliveries_table" {
  description = "DynamoDB table of the webhook deliveries already handled."
  value = {
    name = aws_dynamodb_table.deliveries.name
    arn  = aws_dynamodb_table.deliveries.arn
  }
}

output "runner_tiers" {
  description = "Configured runner tiers by name: labels, machine, max_runners, launch template and queue."
  value = {
    for name, tier in var.runner_tiers : name => {
      labels              = tier.labels
      runner_os           = tier.runner_os
      runner_architecture = tier.runner_architecture
      instance_types      = tier.instance_types
      spot                = tier.spot
      max_runners         = tier.max_runners
      image_id            = local.tier_image_ids[name]
      launch_template = {
        id      = aws_launch_template.tier[name].id
        name    = aws_launch_template.tier[name].name
        version = aws_launch_template.tier[name].latest_version
      }
      queue = aws_sqs_queue.work[name].name
    }
  }
}

output "queues" {
  description = "SQS queue of each tier, with its dead-letter queue."
  value = {
    for name, _ in var.runner_tiers : name => {
      name = aws_sqs_queue.work[name].name
      url  = aws_sqs_queue.work[name].url
      arn  = aws_sqs_queue.work[name].arn
      dead_letter = {
        name = aws_sqs_queue.dead_letter[name].name
        url  = aws_sqs_queue.dead_letter[name].url
        arn  = aws_sqs_queue.dead_letter[name].arn
      }
    }
  }
}

output "tenant_events_queue" {
  description = "SQS queue of tenant lifecycle work, consumed by the tenant-manager function, with its dead-letter queue."
  value = {
    name = aws_sqs_queue.work[local.tenant_events_key].name
    url  = aws_sqs_queue.work[local.tenant_events_key].url
    arn  = aws_sqs_queue.work[local.tenant_events_key].arn
    dead_letter = {
      name = aws_sqs_queue.dead_letter[local.tenant_events_key].name
      url  = aws_sqs_queue.dead_letter[local.tenant_events_key].url
      arn  = aws_sqs_queue.dead_letter[local.tenant_events_key].arn
    }
  }
}

output "functions" {
  description = "Lambda functions by role (webhook, scale-up, tenant-manager, reconciler): name, ARN and log group."
  value = {
    for name, function in {
      webhook          = aws_lambda_function.webhook
      "scale-up"       = aws_lambda_function.scale_up
      "tenant-manager" = aws_lambda_function.tenant_manager
      reconciler       = aws_lambda_function.reconciler
    } :
    name => {
      name      = function.function_name
      arn       = function.arn
      log_group = aws_cloudwatch_log_group.function[name].name
    }
  }
}

output "runner_role" {
  description = "IAM role and instance profile of the runner instances."
  value = {
    role_arn             = aws_iam_role.runner.arn
    instance_profile_arn = aws_iam_instance_profile.runner.arn
  }
}

output "runner_security_group_id" {
  description = "Security group of the runner instances: no inbound rules, all outbound."
  value       = aws_security_group.runners.id
}
