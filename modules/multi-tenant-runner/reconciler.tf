# The reconciler runs on a schedule and repairs what events missed: demand whose webhook never
# came, instances the ledger no longer knows, JIT configs no runner will take.

resource "aws_lambda_function" "reconciler" {
  function_name    = local.function_names["reconciler"]
  description      = local.functions["reconciler"].description
  role             = aws_iam_role.function["reconciler"].arn
  filename         = var.lambda_zips.reconciler
  source_code_hash = filebase64sha256(var.lambda_zips.reconciler)
  handler          = local.lambda_handler
  runtime          = var.lambda_runtime
  architectures    = [var.lambda_architecture]
  timeout          = local.functions["reconciler"].timeout
  memory_size      = local.functions["reconciler"].memory_size

  environment {
    variables = local.lambda_environment
  }

  tags = local.tags

  depends_on = [aws_cloudwatch_log_group.function, aws_iam_role_policy.function]
}

resource "aws_cloudwatch_event_rule" "reconciler" {
  name                = local.function_names["reconciler"]
  description         = "Runs the ${var.prefix} reconciler"
  schedule_expression = var.reconcile_schedule

  tags = local.tags
}

resource "aws_cloudwatch_event_target" "reconciler" {
  rule = aws_cloudwatch_event_rule.reconciler.name
  arn  = aws_lambda_function.reconciler.arn
}

resource "aws_lambda_permission" "reconciler" {
  statement_id  = "InvokeOnSchedule"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.reconciler.function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.reconciler.arn
}
