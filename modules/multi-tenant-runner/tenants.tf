# The three tables of the AWS stores, with the keys src/adapters/aws/dynamodb-tables.ts
# declares. Operators' commands (`aws dynamodb get-item --table-name <prefix>-tenants ...`) read
# the tenant table directly, so its name and key never change.

resource "aws_dynamodb_table" "tenants" {
  name         = "${var.prefix}-tenants"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "installation_id"

  attribute {
    name = "installation_id"
    type = "N"
  }

  # The tenant registry is the one table that cannot be rebuilt from GitHub's events.
  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled = true
  }

  tags = local.tags
}

resource "aws_dynamodb_table" "ledger" {
  name         = "${var.prefix}-ledger"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"
  range_key    = "sk"

  attribute {
    name = "pk"
    type = "S"
  }

  attribute {
    name = "sk"
    type = "S"
  }

  attribute {
    name = "tenant_key"
    type = "S"
  }

  attribute {
    name = "tenant_order"
    type = "S"
  }

  attribute {
    name = "state_key"
    type = "S"
  }

  attribute {
    name = "state_order"
    type = "S"
  }

  global_secondary_index {
    name            = "by_tenant"
    hash_key        = "tenant_key"
    range_key       = "tenant_order"
    projection_type = "ALL"
  }

  global_secondary_index {
    name            = "by_state"
    hash_key        = "state_key"
    range_key       = "state_order"
    projection_type = "ALL"
  }

  # Completed jobs and done runners get expires_at; active rows never do.
  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }

  server_side_encryption {
    enabled = true
  }

  tags = local.tags
}

resource "aws_dynamodb_table" "deliveries" {
  name         = "${var.prefix}-deliveries"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "delivery_id"

  attribute {
    name = "delivery_id"
    type = "S"
  }

  # A delivery id is kept past GitHub's three days of redelivery, then expires.
  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }

  server_side_encryption {
    enabled = true
  }

  tags = local.tags
}

resource "aws_lambda_function" "tenant_manager" {
  function_name    = local.function_names["tenant-manager"]
  description      = local.functions["tenant-manager"].description
  role             = aws_iam_role.function["tenant-manager"].arn
  filename         = var.lambda_zips.tenant_manager
  source_code_hash = filebase64sha256(var.lambda_zips.tenant_manager)
  handler          = local.lambda_handler
  runtime          = var.lambda_runtime
  architectures    = [var.lambda_architecture]
  timeout          = local.functions["tenant-manager"].timeout
  memory_size      = local.functions["tenant-manager"].memory_size

  environment {
    variables = local.lambda_environment
  }

  tags = local.tags

  depends_on = [aws_cloudwatch_log_group.function, aws_iam_role_policy.function]
}

resource "aws_lambda_event_source_mapping" "tenant_events" {
  function_name           = aws_lambda_function.tenant_manager.arn
  event_source_arn        = aws_sqs_queue.work[local.tenant_events_key].arn
  enabled                 = var.event_source_mappings_enabled
  batch_size              = var.batch_size
  function_response_types = ["ReportBatchItemFailures"]

  tags = local.tags
}
