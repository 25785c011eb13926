terraform {
  # 1.10 brought ephemeral resources and 1.11 write-only arguments: the webhook secret is
  # generated and stored without ever entering the plan or the state.
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 5.87 is the first release with `value_wo` on aws_ssm_parameter; the ephemeral
      # aws_secretsmanager_random_password came before it.
      version = ">= 5.87, < 6.0"
    }
  }
}
