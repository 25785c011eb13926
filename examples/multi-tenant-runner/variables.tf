variable "github_app" {
  description = "GitHub App configuration: its id, and key_base64, the base64 of its PEM private key."
  type = object({
    id         = string
    key_base64 = string
  })
  sensitive = true
}

variable "aws_region" {
  description = "AWS region to deploy to."
  type        = string
  default     = "us-east-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.aws_region))
    error_message = "The aws_region must be a region name such as us-east-1."
  }
}

variable "environment" {
  description = "Environment name: the prefix of every resource name (my-saas makes my-saas-tenants) and the ghr:environment tag. multi-tenant when not set."
  type        = string
  default     = null
}

variable "vpc_id" {
  description = "VPC of the runner instances; the region's default VPC when not set."
  type        = string
  default     = null
}

variable "subnet_ids" {
  description = "Subnets of the runner instances; the default subnets of the VPC when not set."
  type        = list(string)
  default     = null
}
