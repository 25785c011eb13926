# Log groups are made here, before the functions, so retention applies from the first line and
# the names are the ones operators' commands use: /aws/lambda/<prefix>-webhook,
# /aws/lambda/<prefix>-tenant-manager and so on.

resource "aws_cloudwatch_log_group" "function" {
  for_each = local.function_names

  name              = "/aws/lambda/${each.value}"
  retention_in_days = var.log_retention_in_days

  tags = local.tags
}

resource "aws_cloudwatch_log_group" "webhook_access" {
  name              = "/aws/apigateway/${var.prefix}-webhook"
  retention_in_days = var.log_retention_in_days

  tags = local.tags
}
