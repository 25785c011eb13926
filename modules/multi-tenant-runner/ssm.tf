# The App's credentials as SecureString parameters under /<prefix>/github/. The functions read
# them at cold start by name; their environment holds only the names.

locals {
  app_parameter_names = {
    app_id         = "/${var.prefix}/github/app-id"
    private_key    = "/${var.prefix}/github/private-key"
    webhook_secret = "/${var.prefix}/github/webhook-secret"
  }

  # Write-only values are sent only when their version changes. Deriving the version from the
  # key makes a new key reach Parameter Store on the next apply, while the state keeps only
  # 32 bits of its digest.
  private_key_version = parseint(substr(sha256(var.github_app.key_base64), 0, 8), 16)
}

resource "aws_ssm_parameter" "app_id" {
  name        = local.app_parameter_names.app_id
  description = "GitHub App id of ${var.prefix}"
  type        = "SecureString"
  value       = var.github_app.id

  tags = local.tags
}

resource "aws_ssm_parameter" "app_private_key" {
  name             = local.app_parameter_names.private_key
  description      = "GitHub App private key of ${var.prefix} (base64 of the PEM)"
  type             = "SecureString"
  value_wo         = var.github_app.key_base64
  value_wo_version = local.private_key_version

  tags = local.tags
}

ephemeral "aws_secretsmanager_random_password" "webhook_secret" {
  password_length     = 48
  exclude_punctuation = true
}

resource "aws_ssm_parameter" "webhook_secret" {
  name             = local.app_parameter_names.webhook_secret
  description      = "GitHub App webhook secret of ${var.prefix}"
  type             = "SecureString"
  value_wo         = ephemeral.aws_secretsmanager_random_password.webhook_secret.random_password
  value_wo_version = var.webhook_secret_version

  tags = local.tags
}

# The operator sets this secret on the App (`terraform output -raw webhook_secret`). Reading it
# back puts it in the state, so output_webhook_secret = false leaves it out.
data "aws_ssm_parameter" "webhook_secret" {
  count = var.output_webhook_secret ? 1 : 0

  name            = aws_ssm_parameter.webhook_secret.name
  with_decryption = true

  depends_on = [aws_ssm_parameter.webhook_secret]
}
