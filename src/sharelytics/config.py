"""Settings: one table (name, type, default, help), read once from the environment and an optional TOML file.

Every setting `name` is read from the environment variable `SHARELYTICS_<NAME>` first, then from the file named by
`SHARELYTICS_CONFIG` (TOML, same names in lower case, top level), then from its default. `sharelytics settings`
prints the table with the values in force.
"""

from __future__ import annotations

import os
import secrets
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Mapping

ENV_PREFIX = "SHARELYTICS_"


class SettingsError(ValueError):
    """A setting's value cannot be read as its type, or the config file cannot be read."""


@dataclass(frozen=True)
class Setting:
    name: str
    type: type
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("data_dir", str, "./data", "Directory for the SQLite file, the click journal and the generated secret."),
    Setting("database_url", str, "", "SQLAlchemy URL; empty means sqlite:///<data_dir>/sharelytics.db."),
    Setting("redis_url", str, "", "Redis URL; empty means embedded mode (no Redis)."),
    Setting("secret", str, "", "Server secret for encryption and signing; empty means generated into <data_dir>/secret."),
    Setting("host", str, "127.0.0.1", "Address `sharelytics serve` binds to."),
    Setting("port", int, 8000, "Port `sharelytics serve` binds to."),
    Setting("public_url", str, "", "Base URL clients reach the service at; empty means http://<host>:<port>."),
    Setting("default_domain", str, "", "Link domain every project may use; empty means the host[:port] of public_url."),
    Setting("create_rate_limit", int, 8000, "awe.sm Create API requests per hour per API key (0 disables the limit)."),
    Setting("oneall_rate_limit", int, 10_000, "OneAll API requests per hour per site public key, publish-token "
            "requests included (0 disables the limit)."),
    Setting("publish_token_ttl", float, 86_400.0, "Seconds a OneAll publish token (for the mobile SDKs' "
            "POST /users/<user_token>/publish.json) stays valid."),
    Setting("max_body_bytes", int, 1_048_576, "Largest request body accepted, in bytes."),
    Setting("link_cache_size", int, 200_000, "Links kept in the in-process redirect cache."),
    Setting("link_cache_ttl", float, 3600.0, "Seconds a cached link is trusted before it is looked up again (a safety "
            "net: deletions and project or domain changes reach every process within a second through the "
            "change log)."),
    Setting("flush_interval", float, 0.5, "Seconds between click-writer batches."),
    Setting("flush_batch", int, 20_000, "Largest number of clicks written in one transaction (a backlog drains in "
            "batches this size; a quiet journal in whatever accumulated since the last batch)."),
    Setting("click_writer_defer", float, 30.0, "Seconds the embedded click writer process may hold off while the "
            "server process is saturated (over 75 % of a CPU), so a burst keeps the machine for redirects; clicks wait "
            "in the journal meanwhile. 0: never hold off."),
    Setting("click_writer_cache_mb", int, 512, "SQLite page cache of the click writer's connection, in MiB (used "
            "as the database grows: each batch reads a page per clicked link of link_visitors and link_totals)."),
    Setting("click_writer", str, "process",
            "Embedded mode: store clicks in a child process at lower priority (process) or in a thread (thread)."),
    Setting("journal_segment_bytes", int, 8_388_608, "Size at which the click journal starts a new segment file."),
    Setting("workers", int, 1, "Number of `sharelytics serve` worker processes."),
    Setting("log_level", str, "info", "Log level: debug, info, warning, error."),
    Setting("log_format", str, "text", "Log format: text, or json for one JSON object per line (API and dashboard "
            "requests, jobs, pingback deliveries; redirects are counted in /metrics, not logged)."),
    Setting("job_consumer", str, "auto", "Whether `sharelytics serve` runs the job consumer: auto (only in embedded "
            "mode; with Redis, `sharelytics worker` does), on or off."),
    Setting("job_workers", int, 4, "Threads of each job consumer (snapshot builds and pingback deliveries)."),
    Setting("job_lease", float, 30.0, "Seconds a consumer holds a snapshot build before another may take it over "
            "(renewed while it works; a killed worker's builds resume after it)."),
    Setting("snapshot_parallel", int, 32, "Publications one snapshot build reads from the networks at once."),
    Setting("pingback_allow", str, "", "Hosts, addresses or networks (comma-separated, e.g. 127.0.0.1,10.0.0.0/8) "
            "pingback URLs may reach although private, loopback or link-local."),
    Setting("pingback_timeout", float, 10.0, "Seconds one pingback attempt may take."),
    Setting("pingback_retry_initial", float, 30.0, "Seconds before the first pingback retry; doubled each attempt "
            "(with jitter), at most one hour apart."),
    Setting("pingback_retry_window", float, 86_400.0, "Seconds a pingback is retried before it is given up."),
)


@dataclass(frozen=True)
class Settings:
    data_dir: str = "./data"
    database_url: str = ""
    redis_url: str = ""
    secret: str = ""
    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str = ""
    default_domain: str = ""
    create_rate_limit: int = 8000
    oneall_rate_limit: int = 10_000
    publish_token_ttl: float = 86_400.0
    max_body_bytes: int = 1_048_576
    link_cache_size: int = 200_000
    link_cache_ttl: float = 3600.0
    flush_interval: float = 0.5
    flush_batch: int = 20_000
    click_writer_defer: float = 30.0
    click_writer_cache_mb: int = 512
    click_writer: str = "process"
    journal_segment_bytes: int = 8_388_608
    workers: int = 1
    log_level: str = "info"
    log_format: str = "text"
    job_consumer: str = "auto"
    job_workers: int = 4
    job_lease: float = 30.0
    snapshot_parallel: int = 32
    pingback_allow: str = ""
    pingback_timeout: float = 10.0
    pingback_retry_initial: float = 30.0
    pingback_retry_window: float = 86_400.0
    sources: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir).expanduser()

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_path / 'sharelytics.db').resolve()}"

    @property
    def effective_public_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def effective_default_domain(self) -> str:
        if self.default_domain:
            return self.default_domain
        return self.effective_public_url.split("://", 1)[-1].split("/", 1)[0]

    @property
    def journal_dir(self) -> Path:
        return self.data_path / "journal"

    @property
    def embedded(self) -> bool:
        return not self.redis_url

    @property
    def serve_runs_jobs(self) -> bool:
        """`serve` consumes jobs in embedded mode (or when told to); with Redis, `worker` processes do."""
        mode = self.job_consumer.strip().lower()
        return mode == "on" or (mode not in ("on", "off") and self.embedded)

    def with_overrides(self, **values: Any) -> "Settings":
        merged = {f.name: getattr(self, f.name) for f in fields(self)}
        merged.update({k: v for k, v in values.items() if v is not None})
        return Settings(**merged)


def _cast(setting: Setting, raw: Any, source: str) -> Any:
    try:
        if setting.type is int and not isinstance(raw, bool):
            return int(raw)
        if setting.type is float and not isinstance(raw, bool):
            return float(raw)
        if setting.type is str:
            return str(raw)
    except (TypeError, ValueError):
        pass
    name = ENV_PREFIX + setting.name.upper()
    raise SettingsError(f"{name} (from {source}): {raw!r} is not a valid {setting.type.__name__}")


def load_settings(environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Read every setting once: explicit overrides, then environment, then config file, then default."""
    env = os.environ if environ is None else environ
    file_values: dict[str, Any] = {}
    config_file = env.get(ENV_PREFIX + "CONFIG")
    if config_file:
        try:
            with open(config_file, "rb") as fh:
                file_values = {k.lower(): v for k, v in tomllib.load(fh).items()}
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise SettingsError(f"{ENV_PREFIX}CONFIG: cannot read {config_file}: {exc}") from exc
        unknown = sorted(set(file_values) - {s.name for s in SETTINGS})
        if unknown:
            raise SettingsError(f"{ENV_PREFIX}CONFIG: {config_file} has unknown settings: {', '.join(unknown)}")
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for setting in SETTINGS:
        env_name = ENV_PREFIX + setting.name.upper()
        if overrides.get(setting.name) is not None:
            values[setting.name], sources[setting.name] = _cast(setting, overrides[setting.name], "option"), "option"
        elif env.get(env_name, "") != "":
            values[setting.name], sources[setting.name] = _cast(setting, env[env_name], "env"), "env"
        elif setting.name in file_values:
            values[setting.name], sources[setting.name] = _cast(setting, file_values[setting.name], "file"), "file"
        else:
            values[setting.name], sources[setting.name] = setting.default, "default"
    return Settings(**values, sources=sources)


def ensure_secret(settings: Settings) -> Settings:
    """Return settings with a secret: the configured one, or one generated once into the data dir.

    Several processes may start at once: each writes a candidate to a private file and hard-links it into place,
    so the first one wins and nobody ever reads a half-written secret.
    """
    if settings.secret:
        return settings
    path = settings.data_path / "secret"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        candidate = path.with_name(f".secret.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32))
                fh.flush()
                os.fsync(fh.fileno())
            os.link(candidate, path)
        except FileExistsError:
            pass
        finally:
            candidate.unlink(missing_ok=True)
    secret = path.read_text().strip()
    if not secret:
        raise SettingsError(f"{path} is empty: delete it to have a new secret generated, or set {ENV_PREFIX}SECRET")
    return settings.with_overrides(secret=secret)
