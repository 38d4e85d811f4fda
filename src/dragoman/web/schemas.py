"""Request and response bodies of the HTTP API (pydantic models, for validation and /docs).

The extraction itself is the output contract (`dragoman.output.to_dict`, see
docs/schema.md); it is not re-declared here, so the contract stays in one place.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

# Short metadata fields are bounded so a client cannot park megabytes in a title.
_META = 2000


class ArticleIn(BaseModel):
    """One article to extract: `text` or `html` (exactly one), and optional metadata."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(None, description="The article as plain text.")
    html: str | None = Field(None, description="The article as an HTML page.")
    id: str | None = Field(None, max_length=200, description="Your own id for the article.")
    url: str | None = Field(None, max_length=_META)
    title: str | None = Field(None, max_length=_META)
    outlet: str | None = Field(None, max_length=200, description="Publisher (The Times of Israel).")
    author: str | None = Field(None, max_length=_META)
    published: dt.date | None = Field(
        None, description="Publication date (YYYY-MM-DD), used to resolve 'on Monday'."
    )

    @model_validator(mode="after")
    def _one_body(self) -> ArticleIn:
        if (self.text is None) == (self.html is None):
            raise ValueError("give exactly one of `text` or `html`")
        return self

    def record(self) -> dict[str, Any]:
        """The input record for `dragoman.extract` (without `published`)."""
        return {k: v for k, v in self.model_dump(exclude={"published"}).items() if v is not None}


class ErrorDetail(BaseModel):
    """What went wrong. `reason` is set for rejected articles (`empty`, `language:fr`, …)."""

    status: int
    type: str
    message: str
    reason: str | None = None


class ErrorBody(BaseModel):
    """The one error shape of every non-2xx response."""

    error: ErrorDetail


class Page(BaseModel):
    """One page of rows. `next_offset` is null on the last page."""

    items: list[dict[str, Any]]
    limit: int
    offset: int
    next_offset: int | None


class Health(BaseModel):
    """The server is up and its database answers."""

    status: Literal["ok"]
    version: str
    schema_version: str = Field(alias="schema")
    database: str
    writes_need_token: bool


class TimelinePoint(BaseModel):
    """Event counts of one period by quad class (1 verbal coop … 4 material conflict)."""

    period: str
    total: int
    quad_1: int
    quad_2: int
    quad_3: int
    quad_4: int


class Timeline(BaseModel):
    """Events per period by quad class."""

    period: str
    items: list[TimelinePoint]
    note: str


class ActorProfile(BaseModel):
    """One actor code: its entries, and its events as source and as target over time."""

    code: str
    period: str
    actors: list[dict[str, Any]]
    as_source: list[dict[str, Any]]
    as_target: list[dict[str, Any]]
    partners_as_source: list[dict[str, Any]]
    partners_as_target: list[dict[str, Any]]


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "Malformed request"},
    422: {"model": ErrorBody, "description": "Invalid parameters, or the article was rejected"},
    500: {"model": ErrorBody, "description": "Server error (generic message)"},
}
WRITE_RESPONSES: dict[int | str, dict[str, Any]] = {
    **ERROR_RESPONSES,
    401: {"model": ErrorBody, "description": "Token missing or wrong (when one is configured)"},
    413: {"model": ErrorBody, "description": "Request body larger than the limit"},
}
