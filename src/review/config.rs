//! The gate's rules: built-in defaults, which `[review]` in `threatls.toml` tunes (see
//! docs/review.md).

use std::collections::BTreeSet;
use std::sync::LazyLock;

use globset::{GlobSet, GlobSetBuilder};
use regex::Regex;
use serde::Serialize;

/// The occasions a threat model is reviewed on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Checkpoint {
    /// A new capability: code exposed to a threat, or a new `@feature`.
    Feature,
    /// A change in how data moves (`@flows`, `@boundary`).
    DataFlow,
    /// A change large enough (a big refactoring) to look at the model whatever it touches.
    LargeChange,
    /// Talking to a new external service: a new URL host, a cloud SDK.
    ExternalService,
    /// New or changed infrastructure: Terraform, Kubernetes, Dockerfiles ...
    Infrastructure,
    /// A new kind of data passing through (`@handles`).
    DataType,
    Encryption,
    /// Authentication, authorisation or sessions.
    Authentication,
    /// A prior assumption changed: an `@assumes`, or a mitigation removed from code.
    Assumption,
    /// The review cadence ran out.
    Schedule,
}

impl Checkpoint {
    pub const ALL: [Checkpoint; 10] = [
        Checkpoint::Feature,
        Checkpoint::DataFlow,
        Checkpoint::LargeChange,
        Checkpoint::ExternalService,
        Checkpoint::Infrastructure,
        Checkpoint::DataType,
        Checkpoint::Encryption,
        Checkpoint::Authentication,
        Checkpoint::Assumption,
        Checkpoint::Schedule,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Checkpoint::Feature => "feature",
            Checkpoint::DataFlow => "data-flow",
            Checkpoint::LargeChange => "large-change",
            Checkpoint::ExternalService => "external-service",
            Checkpoint::Infrastructure => "infrastructure",
            Checkpoint::DataType => "data-type",
            Checkpoint::Encryption => "encryption",
            Checkpoint::Authentication => "authentication",
            Checkpoint::Assumption => "assumption",
            Checkpoint::Schedule => "schedule",
        }
    }

    pub fn parse(s: &str) -> Option<Checkpoint> {
        Checkpoint::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// How the checkpoint reads in a report.
    pub fn title(self) -> &'static str {
        match self {
            Checkpoint::Feature => "New feature or exposure",
            Checkpoint::DataFlow => "Change in how data flows",
            Checkpoint::LargeChange => "Large change",
            Checkpoint::ExternalService => "New external service",
            Checkpoint::Infrastructure => "New or changed infrastructure",
            Checkpoint::DataType => "New type of data",
            Checkpoint::Encryption => "Change to encryption",
            Checkpoint::Authentication => "Change to authentication or authorisation",
            Checkpoint::Assumption => "Change to a prior assumption",
            Checkpoint::Schedule => "Scheduled review overdue",
        }
    }
}

/// A rule on added lines: a line that matches `regex` fires `checkpoint`, unless as many
/// removed lines of the same file match it the same way (code that moved is not new).
#[derive(Clone, Debug)]
pub struct LinePattern {
    pub name: String,
    pub checkpoint: Checkpoint,
    pub regex: Regex,
}

/// A package (a glob over its name) whose arrival in a manifest fires `checkpoint`.
#[derive(Clone, Debug)]
pub struct DependencyClass {
    pub pattern: String,
    pub checkpoint: Checkpoint,
    pub what: &'static str,
}

#[derive(Clone, Debug)]
pub struct ReviewConfig {
    pub infrastructure: Vec<String>,
    pub ignore: Vec<String>,
    /// Changed lines (added plus removed, in source files) from which a change counts as large;
    /// 0 turns the rule off.
    pub large_change: u32,
    pub patterns: Vec<LinePattern>,
    pub dependencies: Vec<DependencyClass>,
    /// Rules turned off by name.
    pub off: BTreeSet<String>,
    infrastructure_set: GlobSet,
    ignore_set: GlobSet,
}

/// Infrastructure as code, container and deployment descriptors.
pub const DEFAULT_INFRASTRUCTURE: &[&str] = &[
    "**/*.tf",
    "**/*.tfvars",
    "**/*.hcl",
    "**/Dockerfile",
    "**/Dockerfile.*",
    "**/*.dockerfile",
    "**/docker-compose*.yml",
    "**/docker-compose*.yaml",
    "**/compose.yml",
    "**/compose.yaml",
    "**/k8s/**/*.yaml",
    "**/k8s/**/*.yml",
    "**/kubernetes/**/*.yaml",
    "**/kubernetes/**/*.yml",
    "**/manifests/**/*.yaml",
    "**/Chart.yaml",
    "**/values*.yaml",
    "**/templates/**/*.yaml",
    "**/kustomization.yaml",
    "**/serverless.yml",
    "**/serverless.yaml",
    "**/template.yaml",
    "**/cloudformation/**",
    "**/*.cfn.yaml",
    "**/*.cfn.json",
    "**/cdk.json",
    "**/Pulumi.yaml",
    "**/ansible/**/*.yml",
    "**/nginx.conf",
];

/// Tests, documentation and examples: changes there do not change the running system.
pub const DEFAULT_IGNORE: &[&str] = &[
    "**/test/**",
    "**/tests/**",
    "**/testdata/**",
    "**/__tests__/**",
    "**/spec/**",
    "**/*_test.go",
    "**/*_test.py",
    "**/test_*.py",
    "**/*.test.*",
    "**/*.spec.*",
    "**/*_spec.rb",
    "**/docs/**",
    "**/*.md",
    "**/*.rst",
    "**/*.adoc",
];

/// Added-line rules: names, checkpoints and patterns.
const DEFAULT_PATTERNS: &[(&str, Checkpoint, &str)] = &[
    (
        "encryption",
        Checkpoint::Encryption,
        r"(?i)\b(?:aes|rsa|ecdsa|ed25519|x25519|chacha20|hmac|sha-?1|sha-?256|md5|bcrypt|scrypt|argon2|pbkdf2|cipher|encrypt|decrypt|tls|x509|ssl|kms|crypto)\w*",
    ),
    (
        "authentication",
        Checkpoint::Authentication,
        r"(?i)\b(?:auth\w*|login|logout|password|passwd|session\w*|jwt|oauth\w*|openid|oidc|saml|csrf|mfa|totp|bearer|api[_-]?key|permission\w*|rbac|acl)\b",
    ),
    ("external-url", Checkpoint::ExternalService, r"(?i)\bhttps?://([a-z0-9][a-z0-9.-]*\.[a-z]{2,})"),
    (
        "cloud-sdk",
        Checkpoint::ExternalService,
        r"(?i)(?:aws-sdk|@aws-sdk/|boto3|botocore|google-cloud|@google-cloud/|cloud\.google\.com/go|@azure/|azure[-.](?:storage|identity|servicebus|cosmos)|github\.com/aws/aws-sdk-go)[\w./-]*",
    ),
];

/// Packages whose arrival is a checkpoint, by what they do. Globs over the package's name.
const DEFAULT_DEPENDENCIES: &[(&str, Checkpoint, &str)] = &[
    // Cryptography.
    ("ring", Checkpoint::Encryption, "cryptography"),
    ("rustls*", Checkpoint::Encryption, "cryptography"),
    ("openssl*", Checkpoint::Encryption, "cryptography"),
    ("aes*", Checkpoint::Encryption, "cryptography"),
    ("chacha20*", Checkpoint::Encryption, "cryptography"),
    ("ed25519*", Checkpoint::Encryption, "cryptography"),
    ("rsa", Checkpoint::Encryption, "cryptography"),
    ("sha2", Checkpoint::Encryption, "cryptography"),
    ("bcrypt*", Checkpoint::Encryption, "cryptography"),
    ("argon2*", Checkpoint::Encryption, "cryptography"),
    ("crypto-js", Checkpoint::Encryption, "cryptography"),
    ("node-forge", Checkpoint::Encryption, "cryptography"),
    ("cryptography", Checkpoint::Encryption, "cryptography"),
    ("pycryptodome*", Checkpoint::Encryption, "cryptography"),
    ("pynacl", Checkpoint::Encryption, "cryptography"),
    ("golang.org/x/crypto", Checkpoint::Encryption, "cryptography"),
    // Authentication and sessions.
    ("jsonwebtoken", Checkpoint::Authentication, "authentication"),
    ("jwt*", Checkpoint::Authentication, "authentication"),
    ("pyjwt", Checkpoint::Authentication, "authentication"),
    ("passport*", Checkpoint::Authentication, "authentication"),
    ("oauth*", Checkpoint::Authentication, "authentication"),
    ("openid*", Checkpoint::Authentication, "authentication"),
    ("authlib", Checkpoint::Authentication, "authentication"),
    ("next-auth", Checkpoint::Authentication, "authentication"),
    ("express-session", Checkpoint::Authentication, "authentication"),
    ("tower-sessions*", Checkpoint::Authentication, "authentication"),
    ("github.com/golang-jwt/*", Checkpoint::Authentication, "authentication"),
    ("golang.org/x/oauth2", Checkpoint::Authentication, "authentication"),
    // Cloud SDKs.
    ("aws-sdk*", Checkpoint::ExternalService, "a cloud SDK"),
    ("aws-config", Checkpoint::ExternalService, "a cloud SDK"),
    ("@aws-sdk/*", Checkpoint::ExternalService, "a cloud SDK"),
    ("boto3", Checkpoint::ExternalService, "a cloud SDK"),
    ("google-cloud-*", Checkpoint::ExternalService, "a cloud SDK"),
    ("@google-cloud/*", Checkpoint::ExternalService, "a cloud SDK"),
    ("azure-*", Checkpoint::ExternalService, "a cloud SDK"),
    ("@azure/*", Checkpoint::ExternalService, "a cloud SDK"),
    ("github.com/aws/aws-sdk-go*", Checkpoint::ExternalService, "a cloud SDK"),
    ("cloud.google.com/go*", Checkpoint::ExternalService, "a cloud SDK"),
    // Message queues.
    ("lapin", Checkpoint::Infrastructure, "a message queue client"),
    ("rdkafka", Checkpoint::Infrastructure, "a message queue client"),
    ("kafkajs", Checkpoint::Infrastructure, "a message queue client"),
    ("amqplib", Checkpoint::Infrastructure, "a message queue client"),
    ("pika", Checkpoint::Infrastructure, "a message queue client"),
    ("kafka-python", Checkpoint::Infrastructure, "a message queue client"),
    ("celery", Checkpoint::Infrastructure, "a message queue client"),
    ("bullmq", Checkpoint::Infrastructure, "a message queue client"),
    ("async-nats", Checkpoint::Infrastructure, "a message queue client"),
    ("github.com/segmentio/kafka-go", Checkpoint::Infrastructure, "a message queue client"),
    ("github.com/nats-io/*", Checkpoint::Infrastructure, "a message queue client"),
    // Databases.
    ("sqlx", Checkpoint::Infrastructure, "a database driver"),
    ("diesel", Checkpoint::Infrastructure, "a database driver"),
    ("tokio-postgres", Checkpoint::Infrastructure, "a database driver"),
    ("postgres", Checkpoint::Infrastructure, "a database driver"),
    ("rusqlite", Checkpoint::Infrastructure, "a database driver"),
    ("redis", Checkpoint::Infrastructure, "a database driver"),
    ("mongodb", Checkpoint::Infrastructure, "a database driver"),
    ("pg", Checkpoint::Infrastructure, "a database driver"),
    ("mysql*", Checkpoint::Infrastructure, "a database driver"),
    ("ioredis", Checkpoint::Infrastructure, "a database driver"),
    ("mongoose", Checkpoint::Infrastructure, "a database driver"),
    ("psycopg*", Checkpoint::Infrastructure, "a database driver"),
    ("pymysql", Checkpoint::Infrastructure, "a database driver"),
    ("sqlalchemy", Checkpoint::Infrastructure, "a database driver"),
    ("github.com/lib/pq", Checkpoint::Infrastructure, "a database driver"),
    ("github.com/jackc/pgx*", Checkpoint::Infrastructure, "a database driver"),
    ("go.mongodb.org/mongo-driver", Checkpoint::Infrastructure, "a database driver"),
];

/// The built-in rules, compiled once: every `Workspace` starts from them, and compiling their
/// regular expressions took a few milliseconds each time (most of a small file's check, and
/// nearly all of the fuzz targets' time per input). A clone shares the compiled programs.
static BUILT_IN: LazyLock<ReviewConfig> = LazyLock::new(ReviewConfig::built_in);

impl Default for ReviewConfig {
    fn default() -> ReviewConfig {
        BUILT_IN.clone()
    }
}

impl ReviewConfig {
    fn built_in() -> ReviewConfig {
        let owned = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let patterns = DEFAULT_PATTERNS
            .iter()
            .filter_map(|(name, checkpoint, re)| {
                Some(LinePattern { name: (*name).to_owned(), checkpoint: *checkpoint, regex: Regex::new(re).ok()? })
            })
            .collect();
        let dependencies = DEFAULT_DEPENDENCIES
            .iter()
            .map(|(pattern, checkpoint, what)| DependencyClass {
                pattern: (*pattern).to_owned(),
                checkpoint: *checkpoint,
                what,
            })
            .collect();
        let mut config = ReviewConfig {
            infrastructure: owned(DEFAULT_INFRASTRUCTURE),
            ignore: owned(DEFAULT_IGNORE),
            large_change: 1000,
            patterns,
            dependencies,
            off: BTreeSet::new(),
            infrastructure_set: GlobSet::empty(),
            ignore_set: GlobSet::empty(),
        };
        config.build();
        config
    }

    /// Rebuilds the matchers after the lists changed.
    pub fn build(&mut self) {
        self.infrastructure_set = glob_set(self.infrastructure.iter().map(String::as_str));
        self.ignore_set = glob_set(self.ignore.iter().map(String::as_str));
    }

    pub fn is_on(&self, rule: &str) -> bool {
        !self.off.contains(rule)
    }

    pub fn is_infrastructure(&self, path: &str) -> bool {
        self.is_on("infrastructure") && self.infrastructure_set.is_match(path)
    }

    /// Paths the gate does not look at.
    pub fn ignores(&self, path: &str) -> bool {
        self.ignore_set.is_match(path)
    }
}

/// `**/x` also matches `x` at the root; invalid globs are left out (`threatls.toml` reports them).
fn glob_set<'a>(globs: impl Iterator<Item = &'a str>) -> GlobSet {
    let mut builder = GlobSetBuilder::new();
    for glob in globs {
        if let Ok(g) = globset::GlobBuilder::new(glob).literal_separator(true).build() {
            builder.add(g);
        }
    }
    builder.build().unwrap_or_else(|_| GlobSet::empty())
}
