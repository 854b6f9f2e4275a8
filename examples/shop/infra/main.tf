# Production infrastructure of the shop: the PSP API key and the image importer's instances.
# Networking, the clusters and the log pipeline live in their own modules.

resource "aws_secretsmanager_secret" "psp_api_key" {
  name        = "shop/checkout/psp-api-key"
  description = "Secret key of the payment provider, read by the checkout service at start-up"
  kms_key_id  = aws_kms_key.cde.arn
}

resource "aws_secretsmanager_secret_rotation" "psp_api_key" {
  secret_id           = aws_secretsmanager_secret.psp_api_key.id
  rotation_lambda_arn = aws_lambda_function.psp_key_rotation.arn
  rotation_rules {
    automatically_after_days = 90
  }
}

# Only the checkout service's role may read the key; not CI, not the platform admins.
# @mitigates #checkout-service against #psp-key-leak using #secrets-manager -- "resource policy denies everyone but the checkout role"
data "aws_iam_policy_document" "psp_api_key" {
  statement {
    sid       = "DenyAllButCheckout"
    effect    = "Deny"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
    condition {
      test     = "StringNotEquals"
      variable = "aws:PrincipalArn"
      values   = [aws_iam_role.checkout.arn]
    }
  }
}

resource "aws_secretsmanager_secret_policy" "psp_api_key" {
  secret_arn = aws_secretsmanager_secret.psp_api_key.arn
  policy     = data.aws_iam_policy_document.psp_api_key.json
}

# The importer's instances only answer IMDSv2 requests, which need a PUT with a hop limit of
# one: a GET smuggled through a fetched image URL gets no credentials.
# @mitigates #image-importer against #ssrf-image-import using #imds-v2-only
resource "aws_launch_template" "image_importer" {
  name_prefix   = "image-importer-"
  image_id      = data.aws_ami.base.id
  instance_type = "t3.medium"

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  vpc_security_group_ids = [aws_security_group.image_importer.id]
}

# No route to the internet except through the egress proxy.
resource "aws_security_group" "image_importer" {
  name   = "image-importer"
  vpc_id = var.vpc_id

  egress {
    description     = "egress proxy only"
    from_port       = 3128
    to_port         = 3128
    protocol        = "tcp"
    security_groups = [var.egress_proxy_security_group_id]
  }
}
