# GitHub's deliveries arrive at POST <api endpoint>/webhook, an HTTP API proxying to the
# webhook function (payload format 2.0, the shape the function's HTTP app reads).

resource "aws_lambda_function" "webhook" {
  function_name    = local.function_names["webhook"]
  description      = local.functions["webhook"].description
  role             = aws_iam_role.function["webhook"].arn
  filename         = var.lambda_zips.webhook
  source_code_hash = filebase64sha256(var.lambda_zips.webhook)
  handler          = local.lambda_handler
  runtime          = var.lambda_runtime
  architectures    = [var.lambda_architecture]
  timeout          = local.functions["webhook"].timeout
  memory_size      = local.functions["webhook"].memory_size

  environment {
    # The function reads the secret once per cold start; a new version changes its
    # configuration, so no environment keeps verifying with a replaced secret.
    variables = merge(local.lambda_environment, {
      GHR_WEBHOOK_SECRET_VERSION = tostring(var.webhook_secret_version)
    })
  }

  tags = local.tags

  depends_on = [aws_cloudwatch_log_group.function, aws_iam_role_policy.function]
}

resource "aws_apigatewayv2_api" "webhook" {
  name          = "${var.prefix}-webhook"
  description   = "GitHub App webhook of ${var.prefix}"
  protocol_type = "HTTP"

  tags = local.tags
}

resource "aws_apigatewayv2_integration" "webhook" {
  api_id                 = aws_apigatewayv2_api.webhook.id
  integration_type       = "AWS_PROXY"
  integration_method     = "POST"
  integration_uri        = aws_lambda_function.webhook.invoke_arn
  payload_format_version = "2.0"
  # GitHub gives up on a delivery after 10 seconds.
  timeout_milliseconds = 10000
}

resource "aws_apigatewayv2_route" "webhook" {
  api_id    = aws_apigatewayv2_api.webhook.id
  route_key = "POST /webhook"
  target    = "integrations/${aws_apigatewayv2_integration.webhook.id}"
}

resource "aws_apigatewayv2_stage" "webhook" {
  api_id      = aws_apigatewayv2_api.webhook.id
  name        = "$default"
  auto_deploy = true

  default_route_settings {
    throttling_rate_limit  = var.webhook_throttling.rate_limit
    throttling_burst_limit = var.webhook_throttling.burst_limit
  }

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.webhook_access.arn
    format = jsonencode({
      request_id  = "$context.requestId"
      source_ip   = "$context.identity.sourceIp"
      route_key   = "$context.routeKey"
      status      = "$context.status"
      latency_ms  = "$context.responseLatency"
      error       = "$context.integrationErrorMessage"
      received_at = "$context.requestTime"
    })
  }

  tags = local.tags
}

resource "aws_lambda_permission" "webhook" {
  statement_id  = "InvokeFromWebhookApi"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.webhook.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.webhook.execution_arn}/*/POST/webhook"
}
