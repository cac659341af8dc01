"""Configuration: pydantic models for every file in config/, loaded and validated once.

A configuration directory holds settings.yaml and feeds.yaml. Any key not in a model is an
error, reported with the file, the dotted key and its line, so a typo never passes silently.
Relative paths in settings resolve against the current working directory (the project root
when run through the Makefile).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal, TypeVar
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

M = TypeVar("M", bound=BaseModel)


class ConfigError(Exception):
    """A configuration file is missing, malformed or holds a bad key or value."""


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SiteAccess(StrictModel):
    """What one site documents for automated access: request headers and cookies sent to that host
    (and its subdomains) only, e.g. a consent cookie or an access token the outlet hands out."""

    headers: dict[str, str] = Field(default_factory=dict)
    cookies: dict[str, str] = Field(default_factory=dict)

    @field_validator("headers", "cookies")
    @classmethod
    def _printable(cls, value: dict[str, str]) -> dict[str, str]:
        for key, item in value.items():
            if not key or any(c in key for c in " :;=\r\n") or any(c in item for c in "\r\n"):
                raise ValueError(f"not usable in an HTTP header: {key!r}: {item!r}")
        return value


class HttpSettings(StrictModel):
    user_agent: str = Field(min_length=8)
    connect_timeout_s: float = Field(default=10.0, gt=0)
    read_timeout_s: float = Field(default=20.0, gt=0)
    total_timeout_s: float = Field(default=60.0, gt=0, description="wall-clock limit for one response")
    max_bytes: int = Field(default=10 * 1024 * 1024, gt=0, description="cap on decoded body size")
    max_redirects: int = Field(default=5, ge=0, le=20)
    per_host_concurrency: int = Field(default=2, ge=1, le=16)
    per_host_min_delay_s: float = Field(default=1.0, ge=0)
    retries: int = Field(default=2, ge=0, le=10)
    backoff_base_s: float = Field(default=1.0, ge=0)
    max_retry_after_s: float = Field(default=120.0, ge=0, description="longer Retry-After: give up, poll later")
    respect_robots: bool = True
    allow_hosts: tuple[str, ...] = Field(
        default=(), description="hosts or IPs fetched even though they are loopback/private"
    )
    sites: dict[str, SiteAccess] = Field(
        default_factory=dict, description="per host: headers and cookies the site documents for automated access"
    )

    @field_validator("user_agent")
    @classmethod
    def _ua_has_contact(cls, value: str) -> str:
        if "@" not in value and "http" not in value:
            raise ValueError("user_agent must carry a contact (an e-mail address or a URL)")
        return value


class IngestSettings(StrictModel):
    batch_size: int = Field(default=100, ge=1, le=1000, description="articles fetched+loaded per batch")
    fetch_concurrency: int = Field(default=8, ge=1, le=64)
    extract_workers: int = Field(default=2, ge=1, le=32)
    max_future_days: float = Field(default=2.0, ge=0)
    min_poll_interval_s: int = Field(default=300, ge=0)
    checkpoint_wal_mb: float = Field(
        default=0.0, ge=0, description="the database's write-ahead log is folded into the file after the batch "
        "that brings it to this size (0: after every batch); DuckDB holds the log's rows in memory until then",
    )
    max_poll_interval_s: int = Field(default=6 * 3600, ge=60)
    task_runner: str = Field(
        default="default",
        pattern=r"^(default|dask|(tcp|tls)://\S+)$",
        description="where the flow runs fetch+extraction: default (in the flow process), dask (a local "
        "Dask cluster of dask_workers processes) or the address of a Dask scheduler, tcp://host:8786",
    )
    dask_workers: int = Field(default=2, ge=1, le=256, description="worker processes of the local Dask cluster")
    # the fetch queue (newsmon.retry): every announced page waits there until stored or given up
    retry_window_h: float = Field(
        default=72.0, ge=1, description="a page failing transiently (timeout, 5xx, 429) is retried this long"
    )
    retry_base_s: float = Field(default=900.0, ge=1, description="first wait after a host failed transiently")
    retry_max_s: float = Field(default=6 * 3600.0, ge=60, description="longest wait between retries of a host")
    disallowed_days: float = Field(default=7.0, ge=0, description="a page robots.txt disallows is retried this long")
    # revisits of young articles (conditional GET); a changed body becomes a new version
    revisit_window_h: float = Field(default=48.0, ge=0, description="articles younger than this are revisited")
    revisit_after_h: tuple[float, ...] = Field(
        default=(1.0, 3.0, 12.0, 24.0, 48.0), description="revisit times, hours after the first fetch"
    )

    @field_validator("revisit_after_h")
    @classmethod
    def _increasing(cls, value: tuple[float, ...]) -> tuple[float, ...]:
        if any(h <= 0 for h in value) or list(value) != sorted(set(value)):
            raise ValueError(f"revisit_after_h must be positive hours in increasing order, got {list(value)}")
        return value


class ScheduleSettings(StrictModel):
    """When the served flows run (cron, in `timezone`)."""

    ingest_cron: str = "*/15 * * * *"
    report_cron: str = "0 6 * * *"
    timezone: str = "Europe/Amsterdam"

    @field_validator("ingest_cron", "report_cron")
    @classmethod
    def _five_fields(cls, value: str) -> str:
        if len(value.split()) != 5:
            raise ValueError(f"not a 5-field cron expression: {value!r}")
        return value


class DemoSettings(StrictModel):
    site_dir: Path = Path("demo/site")
    host: str = "127.0.0.1"
    port: int = Field(default=8765, ge=1, le=65535)


class Settings(StrictModel):
    db_path: Path = Path("data/newsmon.duckdb")
    data_dir: Path = Path("data")
    http: HttpSettings
    ingest: IngestSettings = IngestSettings()
    schedules: ScheduleSettings = ScheduleSettings()
    demo: DemoSettings | None = None

    @property
    def archive_dir(self) -> Path:
        return self.data_dir / "archive"


class Outlet(StrictModel):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    name: str
    country: Literal["NL", "BE", "other"] = "NL"
    homepage: str | None = None


class Feed(StrictModel):
    outlet: str
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    url: str
    section: str | None = None
    language: str = "nl"
    enabled: bool = True

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {value!r}")
        return value

    @property
    def id(self) -> str:
        return f"{self.outlet}/{self.name}"


class FeedsFile(StrictModel):
    outlets: tuple[Outlet, ...]
    feeds: tuple[Feed, ...]

    @model_validator(mode="after")
    def _references(self) -> FeedsFile:
        known = {o.id for o in self.outlets}
        for i, feed in enumerate(self.feeds):
            if feed.outlet not in known:
                raise ValueError(f"feeds.{i}.outlet: unknown outlet {feed.outlet!r} (known: {sorted(known)})")
        ids = [f.id for f in self.feeds]
        dupes = sorted({x for x in ids if ids.count(x) > 1})
        if dupes:
            raise ValueError(f"duplicate feed ids (outlet/name): {dupes}")
        return self


@dataclass(frozen=True)
class Config:
    """Everything one run needs, validated."""

    directory: Path
    settings: Settings
    outlets: tuple[Outlet, ...]
    feeds: tuple[Feed, ...]

    def outlet(self, outlet_id: str) -> Outlet:
        return next(o for o in self.outlets if o.id == outlet_id)


def _key_line(node: yaml.Node | None, loc: tuple[int | str, ...]) -> int | None:
    """Line (1-based) of the key at `loc` in a composed YAML tree, or of its nearest parent."""
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            nxt = next((v for k, v in node.value if k.value == part), None)
            key = next((k for k, _ in node.value if k.value == part), None)
            if key is None:
                break
            line, node = key.start_mark.line + 1, nxt
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


# libyaml's C loader when present: the gazetteer is large and every worker process reads it
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(path: Path) -> tuple[Any, str]:
    if not path.is_file():
        raise ConfigError(f"{path}: file not found")
    text = path.read_text(encoding="utf-8")
    try:
        return yaml.load(text, Loader=_LOADER), text  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc


def validate_file(model: type[M], path: Path) -> M:
    data, text = _read_yaml(path)
    try:
        return model.model_validate(data if data is not None else {})
    except ValidationError as exc:
        tree = yaml.compose(text, Loader=_LOADER)  # positions, only needed to report errors
        problems = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            key = ".".join(str(p) for p in loc) or "(top level)"
            line = _key_line(tree, loc)
            where = f"{path}:{line}" if line else str(path)
            reason = "unknown key" if err["type"] == "extra_forbidden" else err["msg"]
            problems.append(f"{where}: {key}: {reason}")
        raise ConfigError("invalid configuration\n  " + "\n  ".join(problems)) from None


def load_config(directory: Path | str) -> Config:
    """Load and validate settings.yaml and feeds.yaml from `directory`."""
    directory = Path(directory)
    settings = validate_file(Settings, directory / "settings.yaml")
    feeds = validate_file(FeedsFile, directory / "feeds.yaml")
    return Config(directory=directory, settings=settings, outlets=feeds.outlets, feeds=feeds.feeds)


def is_allowed_private(host: str, allow_hosts: tuple[str, ...]) -> bool:
    """True when `host` (a name or an IP literal) is explicitly allow-listed."""
    host = host.strip("[]").lower()
    for entry in allow_hosts:
        allowed = entry.lower()
        if host == allowed:
            return True
        try:
            if ipaddress.ip_address(host) in ipaddress.ip_network(allowed, strict=False):
                return True
        except ValueError:
            continue
    return False


# --- config/entities.yaml: the gazetteer ----------------------------------------------------


class RoleDef(StrictModel):
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    label: str
    phrases: tuple[str, ...] = Field(min_length=1)
    # a head of state or government: a bare surname no full mention explains may mean its holder
    leader: bool = False


class RoleSpell(StrictModel):
    role: str
    from_: date | None = Field(default=None, alias="from")
    to: date | None = None

    def holds_on(self, day: date) -> bool:
        return (self.from_ is None or self.from_ <= day) and (self.to is None or day < self.to)


class EntityDef(StrictModel):
    id: str = Field(pattern=r"^(Q\d+|nm:[a-z0-9][a-z0-9_.-]*)$")
    type: Literal["person", "country", "place", "organisation", "other"]
    country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    name_nl: str
    name_en: str | None = None
    names: tuple[str, ...] = ()
    surnames: tuple[str, ...] = ()
    adjectives: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()
    metonym_for: str | None = None
    roles: tuple[RoleSpell, ...] = ()
    tags: tuple[str, ...] = ()
    # a short form ("de Veiligheidsraad") also means this entity in an article that names one of these
    # ids anywhere ("VN-resolutie"), when no full mention decides
    short_form_context: tuple[str, ...] = ()


class GazetteerFile(StrictModel):
    version: str
    roles: tuple[RoleDef, ...] = ()
    entities: tuple[EntityDef, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _references(self) -> GazetteerFile:
        ids = [e.id for e in self.entities]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate entity ids: {dupes}")
        known, roles = set(ids), {r.id for r in self.roles}
        for i, ent in enumerate(self.entities):
            if ent.metonym_for and ent.metonym_for not in known:
                raise ValueError(f"entities.{i} ({ent.id}): metonym_for {ent.metonym_for!r} is not an entity id")
            for spell in ent.roles:
                if spell.role not in roles:
                    raise ValueError(f"entities.{i} ({ent.id}): unknown role {spell.role!r}")
        owner: dict[str, str] = {}
        for ent in self.entities:
            for name in ent.names:
                if owner.setdefault(name, ent.id) != ent.id:
                    raise ValueError(
                        f"name {name!r} belongs to both {owner[name]} and {ent.id}: put it in surnames instead"
                    )
        return self


def load_gazetteer(path: Path | str) -> GazetteerFile:
    """Load and validate config/entities.yaml."""
    return validate_file(GazetteerFile, Path(path))
