# One standard queue per tier, <prefix>-<tier>-builds, consumed by the scale-up function, and
# <prefix>-tenant-events for tenant lifecycle work, consumed by the tenant-manager function.
# Each has its own dead-letter queue, <name>-dlq, which only malformed messages reach: the
# functions send retryable work again before its last receive.

locals {
  queues = merge(
    { for name, _ in var.runner_tiers : name => "${var.prefix}-${name}-builds" },
    { (local.tenant_events_key) = "${var.prefix}-tenant-events" },
  )

  # A key no tier can have: tier names never contain a slash.
  tenant_events_key = "/tenant-events"

  # AWS's advice for a queue feeding a function: six times the function's timeout, so a batch
  # still running is never handed to a second invocation.
  queue_visibility_timeout = {
    for key, _ in local.queues : key => 6 * local.functions[key == local.tenant_events_key ? "tenant-manager" : "scale-up"].timeout
  }
}

resource "aws_sqs_queue" "dead_letter" {
  for_each = local.queues

  name                      = "${each.value}-dlq"
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = true

  tags = local.tags
}

resource "aws_sqs_queue" "work" {
  for_each = local.queues

  name                       = each.value
  visibility_timeout_seconds = local.queue_visibility_timeout[each.key]
  # A self-hosted job waits at most 24 hours for a runner; its work is moot after that.
  message_retention_seconds = 86400
  sqs_managed_sse_enabled   = true

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dead_letter[each.key].arn
    maxReceiveCount     = var.max_receive_count
  })

  tags = local.tags
}
