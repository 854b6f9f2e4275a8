// Which documents the server is given. Source files are matched by glob rather than by language
// id: ids depend on which language extensions the user has installed, file names do not.
// Keep in step with `for_path` in src/annotations/languages.rs.

import type { DocumentSelector } from 'vscode-languageclient/node';

export const MODEL_LANGUAGE = 'threatmodel';

const EXTENSIONS = [
  'rs', 'go',
  'c', 'h', 'cc', 'cpp', 'cxx', 'c++', 'hpp', 'hh', 'hxx', 'ino', 'cs', 'java', 'kt', 'kts', 'scala', 'sc',
  'swift', 'dart', 'groovy', 'gradle', 'proto', 'zig', 'mm', 'd', 'v', 'sol',
  'js', 'mjs', 'cjs', 'jsx', 'ts', 'tsx', 'mts', 'cts',
  'py', 'pyi', 'pyw', 'bzl', 'bazel', 'star',
  'rb', 'rake', 'gemspec',
  'php',
  'sh', 'bash', 'zsh', 'ksh', 'fish', 'yaml', 'yml', 'toml', 'dockerfile', 'containerfile', 'pl', 'pm', 'r',
  'nim', 'cmake', 'mk', 'ex', 'exs', 'cr', 'tcl', 'awk', 'conf', 'properties', 'gitignore', 'dockerignore',
  'env', 'tfvars',
  'ps1', 'psm1', 'psd1',
  'sql', 'lua',
  'hs', 'elm', 'purs',
  'ml', 'mli', 'pas',
  'fs', 'fsi', 'fsx',
  'erl', 'hrl',
  'tex', 'sty', 'm',
  'html', 'htm', 'xhtml', 'xml', 'svg', 'xsd', 'xsl', 'plist', 'csproj', 'fsproj', 'vbproj', 'md', 'markdown',
  'vue', 'svelte', 'astro',
  'tf', 'hcl', 'nomad',
  'css', 'scss', 'sass', 'less',
  'clj', 'cljs', 'cljc', 'edn', 'lisp', 'lsp', 'el', 'scm', 'rkt', 'asm', 's',
  'ini', 'cfg',
  'bat', 'cmd',
  'vb', 'vbs', 'bas', 'cls',
  'jl', 'nix', 'gal',
];

const FILE_NAMES = [
  'Dockerfile', 'Containerfile', 'Makefile', 'GNUmakefile', 'CMakeLists.txt', 'BUILD', 'WORKSPACE', 'Gemfile',
  'Rakefile', 'Vagrantfile', 'Procfile', '.gitlab-ci.yml', 'Jenkinsfile',
];

// The scanner compares extensions case-insensitively; globs are case-sensitive, so the upper-case
// spelling is listed too (`Main.C`, `README.MD`).
const extensions = [...new Set([...EXTENSIONS, ...EXTENSIONS.map((e) => e.toUpperCase())])];

export const documentSelector: DocumentSelector = [
  { scheme: 'file', language: MODEL_LANGUAGE },
  { scheme: 'file', pattern: `**/*.{${extensions.join(',')}}` },
  { scheme: 'file', pattern: `**/{${FILE_NAMES.join(',')}}` },
  { scheme: 'file', pattern: '**/{Dockerfile,Containerfile}.*' },
];
