"""Settings, read once from the environment (prefix ``HARBOURLINK_``) and passed down."""

from __future__ import annotations

import secrets
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATA_DIR = Path("var")


class Settings(BaseSettings):
    """Everything that differs between a laptop demo and a port-scale deployment."""

    model_config = SettingsConfigDict(env_prefix="HARBOURLINK_", extra="ignore")

    data_dir: Path = DEFAULT_DATA_DIR
    database_url: str = ""
    secret_key: str = ""
    base_url: str = "http://127.0.0.1:8000"
    default_language: str = "zh-HK"
    demo_mode: bool = False
    session_hours: int = 12
    lockout_attempts: int = 5
    lockout_minutes: int = 30
    max_request_bytes: int = Field(default=10 * 1024 * 1024, description="largest accepted request body")
    oidc_issuer: str = ""
    oidc_client_id: str = ""
    oidc_client_secret: str = ""
    oidc_display_name: str = "Digital Corporate Identity"
    log_level: str = "INFO"
    dcsa_callback_allow_private_networks: bool = Field(
        default=False, description="let DCSA subscriptions call back to private or loopback addresses (tests, demo)")
    run_dispatchers: bool = Field(default=True, description="deliver callbacks from this process")

    def resolved_database_url(self) -> str:
        """The configured database, or SQLite in the data folder."""
        if self.database_url:
            return self.database_url
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{(self.data_dir / 'harbourlink.db').resolve()}"

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

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_client_id)
