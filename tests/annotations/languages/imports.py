# @exposes #image-importer to #ssrf [high]
def fetch(url):
    """
    @mitigates #image-importer against #ssrf using #egress-allowlist
    """
    s = "# @exposes #image-importer to #not-read"  # @audit #image-importer
