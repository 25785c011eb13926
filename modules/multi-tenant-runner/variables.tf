variable "prefix" {
  description = "Prefix of every name the module makes (tables, queues, functions, parameters, runner names) and the value of the ghr:environment tag, e.g. my-saas."
  type        = string

  validation {
    # Runner names start with the prefix and the functions allow it 20 characters there.
    condition     = can(regex("^[a-z0-9][a-z0-9-]{0,19}$", var.prefix)) && !startswith(var.prefix, "aws") && !startswith(var.prefix, "ssm")
    error_message = "The prefix must be 1 to 20 lower-case letters, digits and dashes, not starting with a dash, \"aws\" or \"ssm\" (got \"${var.prefix}\")."
  }
}

variable "runner_tiers" {
  description = "Runner tiers by name: the labels a job asks for, the machine (OS, architecture, instance types in order of preference, Spot or not, an optional image) and max_runners, the most runners of the tier one tenant may hold at once. Any name works: tiers reach the functions as configuration."
  type = map(object({
    runner_os           = string
    runner_architecture = string
    instance_types      = list(string)
    max_runners         = number
    labels              = list(string)
    spot                = optional(bool, false)
    ami                 = optional(string)
  }))

  validation {
    condition     = length(var.runner_tiers) >= 1
    error_message = "At least one runner tier is required."
  }

  validation {
    condition     = alltrue([for name in keys(var.runner_tiers) : can(regex("^[a-z0-9][a-z0-9-]{0,62}$", name))])
    error_message = "Tier names must be 1 to 63 lower-case letters, digits and dashes, starting with a letter or digit (got ${join(", ", keys(var.runner_tiers))})."
  }

  validation {
    # SQS allows 80 characters; the longest name is the dead-letter queue's.
    condition     = alltrue([for name in keys(var.runner_tiers) : length("${var.prefix}-${name}-builds-dlq") <= 80])
    error_message = "The queue name <prefix>-<tier>-builds-dlq must fit SQS's 80 characters; shorten the tier name or the prefix."
  }

  validation {
    # The boot script is a Linux shell script.
    condition     = alltrue([for tier in values(var.runner_tiers) : tier.runner_os == "linux"])
    error_message = "Every tier's runner_os must be \"linux\"."
  }

  validation {
    condition     = alltrue([for tier in values(var.runner_tiers) : contains(["x64", "arm64"], tier.runner_architecture)])
    error_message = "Every tier's runner_architecture must be \"x64\" or \"arm64\"."
  }

  validation {
    condition = alltrue([
      for tier in values(var.runner_tiers) :
      length(tier.instance_types) >= 1 && length(tier.instance_types) <= 20 &&
      alltrue([for type in tier.instance_types : can(regex("^[a-z0-9-]+\\.[a-z0-9-]+$", type))])
    ])
    error_message = "Every tier needs 1 to 20 instance_types, each an EC2 instance type such as m7i.large."
  }

  validation {
    condition     = alltrue([for tier in values(var.runner_tiers) : tier.max_runners >= 1 && floor(tier.max_runners) == tier.max_runners])
    error_message = "Every tier's max_runners must be a whole number of at least 1."
  }

  validation {
    # GitHub accepts 1 to 100 labels on a just-in-time runner.
    condition = alltrue([
      for tier in values(var.runner_tiers) :
      length(tier.labels) >= 1 && length(tier.labels) <= 100 && alltrue([for label in tier.labels : trimspace(label) != ""])
    ])
    error_message = "Every tier needs 1 to 100 labels, none of them blank."
  }

  validation {
    # Labels compare case-insensitively; a job's labels must name exactly one tier.
    condition = length(distinct([
      for tier in values(var.runner_tiers) : join("\n", sort(distinct([for label in tier.labels : lower(trimspace(label))])))
    ])) == length(var.runner_tiers)
    error_message = "No two tiers may have the same label set (labels compare case-insensitively), or a job could not tell them apart; these tiers share one: ${join(", ", [for name, tier in var.runner_tiers : name if length([for other in values(var.runner_tiers) : other if join("\n", sort(distinct([for label in other.labels : lower(trimspace(label))]))) == join("\n", sort(distinct([for label in tier.labels : lower(trimspace(label))])))]) > 1])}."
  }

  validation {
    condition     = alltrue([for tier in values(var.runner_tiers) : tier.ami == null || can(regex("^(ami-[0-9a-f]{8,17}|/[A-Za-z0-9_./-]+)$", tier.ami))])
    error_message = "A tier's ami must be an AMI id (ami-...) or the name of an SSM parameter holding one (/...)."
  }

  validation {
    condition     = alltrue([for tier in values(var.runner_tiers) : tier.ami != null || contains(keys(var.runner_images), tier.runner_architecture)])
    error_message = "Every tier needs an image: its own ami, or an entry in runner_images for its runner_architecture."
  }
}

variable "default_tenant_tier" {
  description = "The plan tier a tenant gets when it installs the App; its max_runners is the tenant's default limit. Must be one of the keys of runner_tiers."
  type        = string

  validation {
    condition     = contains(keys(var.runner_tiers), var.default_tenant_tier)
    error_message = "The default_tenant_tier must be one of the runner tiers (${join(", ", sort(keys(var.runner_tiers)))}); got \"${var.default_tenant_tier}\"."
  }
}

variable "match_mode" {
  description = "How a job's labels pick a tier: exact (the job's label set equals the tier's) or subset (the job's labels are all among the tier's; the tier with the fewest labels wins, then the first by name)."
  type        = string
  default     = "exact"

  validation {
    condition     = contains(["exact", "subset"], var.match_mode)
    error_message = "The match_mode must be \"exact\" or \"subset\"."
  }
}

variable "github_app" {
  description = "The GitHub App: id, and key_base64, the base64 of its PEM private key (base64 -w 0 key.pem). Both are stored as SecureString parameters; the key is written write-only and never enters the state."
  type = object({
    id         = string
    key_base64 = string
  })
  sensitive = true

  validation {
    condition     = can(regex("^[1-9][0-9]{0,15}$", var.github_app.id))
    error_message = "The github_app.id must be the App's numeric id."
  }

  validation {
    condition     = can(base64decode(var.github_app.key_base64)) && strcontains(try(base64decode(var.github_app.key_base64), ""), "PRIVATE KEY-----")
    error_message = "The github_app.key_base64 must be the base64 of the App's PEM private key."
  }
}

variable "github_api_url" {
  description = "GitHub's REST API root: https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server. Plain http is accepted for loopback addresses only."
  type        = string
  default     = "https://api.github.com"

  validation {
    condition     = can(regex("^https://[^/?#@\\s]+(/[^?#@\\s]*)?$", var.github_api_url)) || can(regex("^http://(127\\.0\\.0\\.1|localhost|\\[::1\\])(:[0-9]{1,5})?(/[^?#@\\s]*)?$", var.github_api_url))
    error_message = "The github_api_url must be an https URL without query or credentials (http only for 127.0.0.1, localhost or [::1])."
  }
}

variable "vpc_id" {
  description = "VPC of the runner instances; their security group is made here."
  type        = string

  validation {
    condition     = can(regex("^vpc-[0-9a-f]{8,17}$", var.vpc_id))
    error_message = "The vpc_id must be a VPC id (vpc-...)."
  }
}

variable "subnet_ids" {
  description = "Subnets the runner instances start in, all in vpc_id; each launch may use any of them. They need a route to GitHub and to the SSM endpoint."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 1 && alltrue([for id in var.subnet_ids : can(regex("^subnet-[0-9a-f]{8,17}$", id))])
    error_message = "The subnet_ids must be a list of at least one subnet id (subnet-...)."
  }
}

variable "runner_images" {
  description = "Image of the runner instances per architecture, for tiers without their own ami: an AMI id, or the name of an SSM parameter holding one. The default is the latest Amazon Linux 2023."
  type        = map(string)
  default = {
    x64   = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
    arm64 = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64"
  }

  validation {
    condition     = alltrue([for arch in keys(var.runner_images) : contains(["x64", "arm64"], arch)])
    error_message = "The runner_images keys must be architectures: x64 or arm64."
  }

  validation {
    condition     = alltrue([for image in values(var.runner_images) : can(regex("^(ami-[0-9a-f]{8,17}|/[A-Za-z0-9_./-]+)$", image))])
    error_message = "Each runner_images value must be an AMI id (ami-...) or the name of an SSM parameter holding one (/...)."
  }
}

variable "runner_install" {
  description = "Installs the official runner at boot when the image has none at /opt/actions-runner: its version and, optionally, the SHA-256 of its tarball per architecture. Set to null for images that carry the runner (faster boots)."
  type = object({
    version = string
    sha256  = optional(map(string), {})
  })
  default = {
    version = "2.334.0"
  }

  validation {
    condition     = var.runner_install == null || can(regex("^[0-9]+\\.[0-9]+\\.[0-9]+$", var.runner_install.version))
    error_message = "The runner_install.version must be a runner release such as 2.334.0."
  }

  validation {
    condition     = var.runner_install == null || alltrue([for arch, sum in try(var.runner_install.sha256, {}) : contains(["x64", "arm64"], arch) && can(regex("^[0-9a-f]{64}$", sum))])
    error_message = "The runner_install.sha256 must map x64 or arm64 to 64 lower-case hex digits."
  }
}

variable "lambda_zips" {
  description = "Paths of the function bundles that npm run build writes at the repository root: dist/lambda/webhook.zip, scale-up.zip, tenant-manager.zip and reconciler.zip."
  type = object({
    webhook        = string
    scale_up       = string
    tenant_manager = string
    reconciler     = string
  })

  validation {
    condition     = alltrue([for path in values(var.lambda_zips) : endswith(path, ".zip")])
    error_message = "Each lambda_zips path must name a .zip file."
  }
}

variable "lambda_runtime" {
  description = "Node.js runtime of the functions."
  type        = string
  default     = "nodejs22.x"

  validation {
    condition     = contains(["nodejs20.x", "nodejs22.x"], var.lambda_runtime)
    error_message = "The lambda_runtime must be nodejs20.x or nodejs22.x."
  }
}

variable "lambda_architecture" {
  description = "Instruction set of the functions. The bundles are plain JavaScript, so either works."
  type        = string
  default     = "x86_64"

  validation {
    condition     = contains(["x86_64", "arm64"], var.lambda_architecture)
    error_message = "The lambda_architecture must be x86_64 or arm64."
  }
}

variable "log_level" {
  description = "Least severe level the functions log: debug, info, warn or error."
  type        = string
  default     = "info"

  validation {
    condition     = contains(["debug", "info", "warn", "error"], var.log_level)
    error_message = "The log_level must be debug, info, warn or error."
  }
}

variable "log_retention_in_days" {
  description = "Days CloudWatch keeps the logs of the functions and of the webhook API; 0 keeps them forever."
  type        = number
  default     = 30

  validation {
    condition     = contains([0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_in_days)
    error_message = "The log_retention_in_days must be one CloudWatch allows: 0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "event_source_mappings_enabled" {
  description = "Whether the queues feed the functions. False creates the mappings disabled, so messages stay on the queues (for tests, or to pause all work)."
  type        = bool
  default     = true
}

variable "batch_size" {
  description = "Messages one function invocation takes from a queue at most (1 to 10)."
  type        = number
  default     = 10

  validation {
    condition     = var.batch_size >= 1 && var.batch_size <= 10 && floor(var.batch_size) == var.batch_size
    error_message = "The batch_size must be a whole number from 1 to 10."
  }
}

variable "batch_concurrency" {
  description = "Messages of one batch a function runs at once (1 to 10)."
  type        = number
  default     = 4

  validation {
    condition     = var.batch_concurrency >= 1 && var.batch_concurrency <= 10 && floor(var.batch_concurrency) == var.batch_concurrency
    error_message = "The batch_concurrency must be a whole number from 1 to 10."
  }
}

variable "max_receive_count" {
  description = "Receives of one message before SQS moves it to the dead-letter queue. The functions send retryable work again before it gets there, so only malformed messages land in it."
  type        = number
  default     = 5

  validation {
    condition     = var.max_receive_count >= 1 && var.max_receive_count <= 1000 && floor(var.max_receive_count) == var.max_receive_count
    error_message = "The max_receive_count must be a whole number from 1 to 1000."
  }
}

variable "reconcile_schedule" {
  description = "EventBridge schedule of the reconciler, which finds missed demand, stray instances and stale JIT configs."
  type        = string
  default     = "rate(2 minutes)"

  validation {
    condition     = can(regex("^(rate\\([1-9][0-9]* (minute|minutes|hour|hours|day|days)\\)|cron\\(.+\\))$", var.reconcile_schedule))
    error_message = "The reconcile_schedule must be an EventBridge rate(...) or cron(...) expression."
  }
}

variable "webhook_throttling" {
  description = "Requests per second (rate_limit) and burst the webhook API accepts before answering 429."
  type = object({
    rate_limit  = number
    burst_limit = number
  })
  default = {
    rate_limit  = 100
    burst_limit = 200
  }

  validation {
    condition     = var.webhook_throttling.rate_limit >= 1 && var.webhook_throttling.burst_limit >= 1 && floor(var.webhook_throttling.burst_limit) == var.webhook_throttling.burst_limit
    error_message = "The webhook_throttling rate_limit must be at least 1 and burst_limit a whole number of at least 1."
  }
}

variable "webhook_secret_version" {
  description = "Version of the generated webhook secret. Raise it to generate and store a new secret; then set the new one on the App."
  type        = number
  default     = 1

  validation {
    condition     = var.webhook_secret_version >= 1 && floor(var.webhook_secret_version) == var.webhook_secret_version
    error_message = "The webhook_secret_version must be a whole number of at least 1."
  }
}

variable "output_webhook_secret" {
  description = "Whether the webhook_secret output reads the secret back from Parameter Store, which puts it in the state (marked sensitive). False keeps it out of the state; read it with aws ssm get-parameter instead."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags added to every resource the module makes. Keys starting with ghr: are the module's own."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for key in keys(var.tags) : !startswith(key, "ghr:")])
    error_message = "Tag keys starting with ghr: are set by the module; choose other keys."
  }
}
