"""Settings, read once from the environment (prefix ``HARBOURLINK_``) and passed down."""

from __future__ import annotations

import base64
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from harbourlink.kernel.db import PoolLimits

DEFAULT_DATA_DIR = Path("var")


class Settings(BaseSettings):
    """Everything that differs between a laptop demo and a port-scale deployment."""

    model_config = SettingsConfigDict(env_prefix="HARBOURLINK_", extra="ignore")

    data_dir: Path = DEFAULT_DATA_DIR
    database_url: str = ""
    db_pool_size: int = Field(default=20, ge=1, description="database connections each process keeps open")
    db_max_overflow: int = Field(default=10, ge=0, description="connections a process may open beyond the pool")
    db_pool_timeout: float = Field(
        default=5.0, gt=0, description="seconds a request waits for a free connection before answering 503"
    )
    db_ping_after_idle: float = Field(
        default=10.0,
        ge=0,
        description="a pooled connection idle this many seconds is tested before reuse (0: before every reuse)",
    )
    secret_key: str = ""
    base_url: str = "http://127.0.0.1:8000"
    default_language: str = "zh-HK"
    demo_mode: bool = False
    session_hours: int = 12
    road_inspect_sample_percent: float = Field(
        default=0.0,
        ge=0,
        le=100,
        description="the share of road bindings the boundary rules suggest for inspection at random, in per cent",
    )
    api_key_cache_seconds: float = Field(
        default=30.0,
        ge=0,
        description="how long a process remembers who an API key is (its revocation still "
        "counts on the next request); 0: check every key in full each time",
    )
    lockout_attempts: int = 5
    lockout_minutes: int = 30
    max_request_bytes: int = Field(default=10 * 1024 * 1024, description="largest accepted request body")
    inline_message_bytes: int = Field(
        default=1024 * 1024, description="larger messages are answered 202 at once and read by a worker"
    )
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="reverse proxies (addresses or networks) whose X-Forwarded-For and X-Forwarded-Proto are believed",
    )
    road_trusted_issuers: Path | None = Field(
        default=None, description="PEM bundle of the certificate issuers trusted to sign road bindings"
    )
    road_crl_dir: Path | None = Field(
        default=None, description="directory of those issuers' revocation lists (CRL files, PEM or DER)"
    )
    road_person_binding_needs_signature: bool = Field(
        default=False,
        description="a logged-in person must sign a binding (certificate or security code); off: the Trade "
        "Single Window rule",
    )
    road_api_key_binding_needs_signature: bool = Field(
        default=True, description="an API key must sign a binding with a digital certificate"
    )
    rate_limit_window_seconds: int = Field(default=60, gt=0, description="the window the rate limits below count in")
    rate_limit_login: int = Field(default=20, description="password logins per client address and window; 0: none")
    rate_limit_totp: int = Field(default=20, description="second-factor codes per client address and window; 0: none")
    rate_limit_registration: int = Field(default=10, description="applications to join per client address and window")
    rate_limit_bad_api_keys: int = Field(
        default=20, description="failed API key authentications per client address and window; 0: none"
    )
    rate_limit_api_per_key: int = Field(
        default=1200, description="API requests per key (or person) and window, counted in each process; 0: none"
    )
    oidc_issuer: str = ""
    oidc_client_id: str = ""
    oidc_client_secret: str = ""
    oidc_display_name: str = "Digital Corporate Identity"
    log_level: str = "INFO"
    metrics_token: str = Field(default="", description="bearer token for /metrics; empty: loopback peers only")
    dcsa_callback_allow_private_networks: bool = Field(
        default=False, description="let DCSA subscriptions call back to private or loopback addresses (tests, demo)"
    )
    smtp_host: str = Field(default="", description="SMTP server for alert e-mail; empty: e-mail is not sent")
    smtp_port: int = 25
    smtp_from: str = "HarbourLink <alerts@harbourlink.invalid>"
    smtp_starttls: bool = False
    smtp_username: str = ""
    smtp_password: str = ""
    sms_provider_url: str = Field(default="", description="the SMS provider's Messages URL; empty: no SMS")
    sms_account: str = ""
    sms_token: str = ""
    sms_sender: str = "HarbourLink"
    webhook_allow_private_networks: bool = Field(
        default=False, description="let alert webhooks go to private or loopback addresses (tests, demo)"
    )
    alert_max_attempts: int = Field(default=8, description="webhook/e-mail/SMS attempts before dead-lettering")
    run_dispatchers: bool = Field(
        default=True,
        description="work queues and jobs in a thread of this process "
        "(the embedded installation); off where `harbourlink worker` processes do",
    )
    nats_url: str = Field(
        default="",
        description="NATS (with JetStream) between processes, e.g. nats://127.0.0.1:4222; empty: one process",
    )
    work_lease_seconds: float = Field(
        default=120.0,
        description="how long a work item is one worker's before "
        "another may take it (a killed worker's items wait this long); also "
        "the lease of alert and DCSA callback deliveries, so longer than their HTTP "
        "timeouts",
    )
    work_keep_done_hours: float = Field(
        default=24.0,
        description="how long finished work items are kept (for the operator's figures) before they are deleted",
    )
    position_partitions_ahead: int = Field(
        default=2,
        ge=1,
        description="PostgreSQL: months of AIS and truck positions partitioned ahead of the current one",
    )
    position_keep_months: int | None = Field(
        default=None,
        ge=1,
        description="PostgreSQL: drop a month of positions once it ended this many whole months ago; "
        "empty keeps them all",
    )
    live_poll_seconds: float = Field(
        default=2.0,
        description="longest wait of a live page between reads when no "
        "announcement comes (announcements wake it at once)",
    )
    nats_prefix: str = Field(default="harbourlink", description="names this installation's NATS stream and subjects")
    ledger_origin: str = Field(default="", description="the ledger's origin line; default: <base_url host>/ledger/v1")
    ledger_signing_key: str = Field(default="", description="base64 Ed25519 seed; default: generated in data_dir")
    ledger_witnesses: list[str] = Field(default_factory=list, description="'<witness vkey> <url>' per witness")
    ledger_sequence_seconds: float = Field(default=2.0, description="how often queued events are sequenced")
    ledger_heartbeat_seconds: float = Field(default=300.0, description="longest gap between witness submissions")
    ledger_batch_size: int = Field(default=10_000, description="most entries sequenced in one transaction")
    ivr_public_url: str = Field(
        default="",
        description="the address the telephony provider reaches HarbourLink at (its request signatures cover it); "
        "default: base_url",
    )
    ivr_account_sid: str = Field(
        default="", description="the telephony provider's account id; requests naming another are refused"
    )
    ivr_auth_token: str = Field(
        default="", description="the provider's auth token, which signs its requests; empty: the phone line answers 403"
    )
    ivr_lockout_attempts: int = Field(
        default=3, ge=1, description="wrong phone passwords or security codes in a row before a phone account locks"
    )
    ivr_espeak: str = Field(default="espeak-ng", description="the speech synthesiser that speaks the phone's prompts")

    def resolved_database_url(self) -> str:
        """The configured database, or SQLite in the data folder."""
        if self.database_url:
            return self.database_url
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{(self.data_dir / 'harbourlink.db').resolve()}"

    def database_pool(self) -> PoolLimits:
        """This process's share of database connections (a server's limit divided among its processes)."""
        return PoolLimits(
            size=self.db_pool_size,
            max_overflow=self.db_max_overflow,
            timeout=self.db_pool_timeout,
            ping_after_idle=self.db_ping_after_idle,
        )

    def resolved_secret_key(self) -> str:
        """The configured secret, or one generated once and kept in the data folder."""
        if self.secret_key:
            return self.secret_key
        self.data_dir.mkdir(parents=True, exist_ok=True)
        key_file = self.data_dir / "secret_key"
        if not key_file.exists():
            key_file.write_text(secrets.token_urlsafe(48))
            key_file.chmod(0o600)
        return key_file.read_text().strip()

    def resolved_ledger_origin(self) -> str:
        """The configured origin, or one derived from the public address (fixed for the log's life)."""
        if self.ledger_origin:
            return self.ledger_origin
        return f"{urlsplit(self.base_url).netloc or 'harbourlink.local'}/ledger/v1"

    def resolved_ledger_seed(self) -> str:
        """The ledger's signing seed (base64), or one generated once and kept in the data folder."""
        if self.ledger_signing_key:
            return self.ledger_signing_key
        self.data_dir.mkdir(parents=True, exist_ok=True)
        key_file = self.data_dir / "ledger_signing_key"
        if not key_file.exists():
            key_file.write_text(base64.b64encode(secrets.token_bytes(32)).decode())
            key_file.chmod(0o600)
        return key_file.read_text().strip()

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_client_id)
