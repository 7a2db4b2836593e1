"""The public FastAPI app: pages people reach from emails and forms.

=======================  ======  ==================================================
Route                    Method  What
=======================  ======  ==================================================
/signup                  GET     sign-up form (purposes with their wording)
/signup                  POST    handle the form: ``requested`` + confirmation email
/api/signup              POST    same, JSON in and out
/confirm/{token}         GET     page with a confirm button (link scanners are harmless)
/confirm/{token}         POST    confirm the double opt-in (single-use link)
/unsubscribe/{token}     GET     page that asks to confirm
/unsubscribe/{token}     POST    withdraw; RFC 8058 one-click (``List-Unsubscribe=One-Click``)
/preferences/{token}     GET     preference centre: consents per purpose × channel, details
/preferences/{token}     POST    save them (single-use link, a fresh one is returned)
/healthz                 GET     liveness
=======================  ======  ==================================================

Pages are plain server-rendered HTML in French or English (``?lang=`` wins over
Accept-Language), with no external assets. Forged, expired and reused links get
a clear page with status 400, 410 or 409, never a 500. JSON routes answer every
error with one problem shape (:mod:`carnet.web.problems`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from carnet.consent.errors import LinkTokenError
from carnet.consent.purposes import channel_label
from carnet.errors import CarnetError, InvalidValueError
from carnet.web.problems import PROBLEM_MEDIA_TYPE, generic_problem, problem, status_of
from carnet.web.public.i18n import pick_language, t

if TYPE_CHECKING:
    from carnet.consent.facade import ConsentMixin, PreferenceView

_SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}
_DETAIL_FIELDS = (
    ("civility", "text", "honorific-prefix"),
    ("first_name", "text", "given-name"),
    ("last_name", "text", "family-name"),
    ("mobile", "tel", "tel"),
    ("address_line1", "text", "address-line1"),
    ("address_line2", "text", "address-line2"),
    ("postcode", "text", "postal-code"),
    ("city", "text", "address-level2"),
    ("language", "text", "language"),
)


class SignupIn(BaseModel):
    """JSON body of ``POST /api/signup``."""

    email: str = Field(max_length=320)
    purposes: list[str] = Field(min_length=1, max_length=20)
    lang: str = "fr"
    first_name: str | None = Field(default=None, max_length=200)
    last_name: str | None = Field(default=None, max_length=200)
    form: str = Field(default="api", max_length=100)


def _templates() -> Environment:
    env = Environment(
        loader=PackageLoader("carnet.web.public", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def _wants_json(request: Request) -> bool:
    if request.url.path.startswith("/api/"):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def _client(request: Request) -> tuple[str | None, str | None]:
    ip = request.client.host if request.client else None
    return ip, request.headers.get("user-agent")


def create_app(workspace: ConsentMixin | None = None, *, url: str | None = None) -> FastAPI:
    """Build the public app over a workspace.

    Args:
        workspace: an open workspace with the consent methods; when None, one is
            opened on ``url`` (or CARNET_DATABASE_URL) acting as "public".
        url: database URL used when ``workspace`` is None.
    """
    if workspace is None:
        from carnet.workspace import Carnet

        workspace = Carnet(url, actor="public")
    ws: ConsentMixin = workspace
    env = _templates()
    app = FastAPI(title="carnet public pages", docs_url=None, redoc_url=None,
                  openapi_url=None)
    app.state.workspace = ws

    def lang_of(request: Request) -> str:
        return pick_language(request.query_params.get("lang"),
                             request.headers.get("accept-language"))

    def organisation(lang: str) -> str:
        name = ws.settings.extra.get("organisation_name")
        return str(name) if name else "carnet"

    def render(request: Request, template: str, title_key: str, status: int = 200,
               **context: Any) -> HTMLResponse:
        lang = context.pop("lang", None) or lang_of(request)
        html = env.get_template(template).render(
            lang=lang,
            other_lang="en" if lang == "fr" else "fr",
            title=t(lang, title_key),
            organisation=organisation(lang),
            t=lambda key: t(lang, key),
            **context,
        )
        return HTMLResponse(html, status_code=status)

    def message(request: Request, title_key: str, text_key: str, *, status: int = 200,
                error: bool = False, detail: str | None = None,
                items: list[str] | None = None, lang: str | None = None) -> HTMLResponse:
        lang = lang or lang_of(request)
        return render(request, "message.html", title_key, status, lang=lang,
                      text=t(lang, text_key), error=error, detail=detail, items=items or [])

    # -- errors: one place ----------------------------------------------------------------

    @app.exception_handler(CarnetError)
    async def carnet_error(request: Request, exc: CarnetError) -> Response:
        status = status_of(exc)
        if _wants_json(request):
            return JSONResponse(problem(exc, status=status), status_code=status,
                                media_type=PROBLEM_MEDIA_TYPE)
        if isinstance(exc, LinkTokenError):
            return message(request, f"{exc.code}_title", exc.code, status=status, error=True)
        if isinstance(exc, InvalidValueError):
            return message(request, "invalid_input_title", "invalid_input_title",
                           status=status, error=True, detail=str(exc))
        return message(request, "error_title", "server_error", status=status, error=True,
                       detail=str(exc) if status < 500 else None)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        detail = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ())[1:]) or 'body'}: {e.get('msg')}"
            for e in exc.errors()
        )
        if _wants_json(request):
            return JSONResponse(generic_problem(422, detail, "invalid_value"), status_code=422,
                                media_type=PROBLEM_MEDIA_TYPE)
        return message(request, "invalid_input_title", "invalid_input_title", status=422,
                       error=True, detail=detail)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        code = "not_found" if exc.status_code == 404 else "http_error"
        if _wants_json(request):
            return JSONResponse(generic_problem(exc.status_code, str(exc.detail), code),
                                status_code=exc.status_code, media_type=PROBLEM_MEDIA_TYPE)
        if exc.status_code == 404:
            return message(request, "not_found_title", "not_found", status=404, error=True)
        return message(request, "error_title", "server_error", status=exc.status_code,
                       error=True, detail=str(exc.detail))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        if _wants_json(request):
            return JSONResponse(generic_problem(500, "Unexpected error.", "server_error"),
                                status_code=500, media_type=PROBLEM_MEDIA_TYPE)
        return message(request, "error_title", "server_error", status=500, error=True)

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        for key, value in _SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        response.headers.setdefault("Content-Language", lang_of(request))
        return response

    # -- pages ------------------------------------------------------------------------------

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/", include_in_schema=False)
    def root(request: Request) -> RedirectResponse:
        return RedirectResponse(f"/signup?lang={lang_of(request)}", status_code=303)

    def signup_page(request: Request, lang: str, *, status: int = 200, error: str | None = None,
                    email: str = "", first_name: str = "", chosen: list[str] | None = None,
                    form: str = "web") -> HTMLResponse:
        purposes = [
            {"name": p.name, "label": p.label(lang),
             "wording": p.wording(lang, ws._organisation_name(lang))}
            for p in ws.consent_purposes if "email" in p.channels
        ]
        return render(request, "signup.html", "signup_title", status, lang=lang,
                      purposes=purposes, error=error, email=email, first_name=first_name,
                      chosen=chosen or [], form=form)

    @app.get("/signup", response_class=HTMLResponse)
    def signup_form(request: Request, form: str = "web") -> HTMLResponse:
        return signup_page(request, lang_of(request), form=form[:100])

    @app.post("/signup", response_class=HTMLResponse)
    async def signup_post(request: Request) -> HTMLResponse:
        data = await request.form()
        lang = pick_language(str(data.get("lang") or "") or request.query_params.get("lang"),
                             request.headers.get("accept-language"))
        email = str(data.get("email") or "")[:320]
        first_name = str(data.get("first_name") or "")[:200]
        chosen = [str(v) for v in data.getlist("purposes")][:20]
        form = str(data.get("form") or "web")[:100]
        ip, ua = _client(request)
        from carnet.mail import MailError

        try:
            await run_in_threadpool(
                lambda: ws.signup(email, purposes=chosen, lang=lang, first_name=first_name,
                                  form=form, ip=ip, user_agent=ua)
            )
        except InvalidValueError as exc:
            return signup_page(request, lang, status=422, error=str(exc), email=email,
                               first_name=first_name, chosen=chosen, form=form)
        except MailError:
            return message(request, "error_title", "mail_failed", status=502, error=True,
                           lang=lang)
        return message(request, "check_inbox_title", "check_inbox", lang=lang)

    @app.post("/api/signup", status_code=202)
    def signup_api(request: Request, body: SignupIn) -> dict[str, Any]:
        ip, ua = _client(request)
        result = ws.signup(body.email, purposes=body.purposes, lang=body.lang,
                           first_name=body.first_name, last_name=body.last_name,
                           form=body.form, ip=ip, user_agent=ua)
        # Whether the address was known is not revealed.
        return {"status": "pending_confirmation" if result.requested else "accepted"}

    @app.get("/confirm/{token}", response_class=HTMLResponse)
    def confirm_page(request: Request, token: str) -> HTMLResponse:
        from carnet.consent import tokens

        link = tokens.read_token(ws._secret(), token, "confirm")
        with ws.engine.connect() as conn:
            if tokens.is_used(conn, link):
                from carnet.consent.errors import UsedTokenError

                raise UsedTokenError()
        lang = lang_of(request)
        labels = [p.label(lang) for p in ws.consent_purposes if p.name in link.data.get("p", [])]
        return render(request, "confirm.html", "confirm_title", lang=lang, labels=labels,
                      token=token)

    @app.post("/confirm/{token}", response_class=HTMLResponse)
    def confirm_post(request: Request, token: str) -> HTMLResponse:
        ip, ua = _client(request)
        result = ws.confirm_signup(token, ip=ip, user_agent=ua)
        lang = lang_of(request)
        labels = [p.label(lang) for p in ws.consent_purposes if p.name in result.purposes]
        return message(request, "confirmed_title", "confirmed", items=labels)

    @app.get("/unsubscribe/{token}", response_class=HTMLResponse)
    def unsubscribe_page(request: Request, token: str) -> HTMLResponse:
        from carnet.consent import tokens

        link = tokens.read_token(ws._secret(), token, "unsubscribe")
        lang = lang_of(request)
        purpose = link.data.get("p")
        label = next((p.label(lang) for p in ws.consent_purposes if p.name == purpose), None)
        return render(request, "unsubscribe.html", "unsubscribe_title", lang=lang,
                      purpose_label=label, token=token)

    @app.post("/unsubscribe/{token}", response_class=HTMLResponse)
    async def unsubscribe_post(request: Request, token: str) -> Response:
        data = await request.form()
        one_click = data.get("List-Unsubscribe") == "One-Click" and not data.get("page")
        everything = data.get("scope") == "all"
        ip, ua = _client(request)
        result = await run_in_threadpool(
            lambda: ws.unsubscribe(token, ip=ip, user_agent=ua, one_click=one_click,
                                   everything=everything)
        )
        if one_click:
            return Response(status_code=200, content="OK", media_type="text/plain")
        lang = lang_of(request)
        labels = [p.label(lang) for p in ws.consent_purposes if p.name in result.purposes]
        return message(request, "unsubscribed_title",
                       "already_unsubscribed" if result.already else "unsubscribed",
                       items=labels)

    def preferences_page(request: Request, view: PreferenceView, *, lang: str,
                         saved: bool | None = None, error: str | None = None,
                         status: int = 200) -> HTMLResponse:
        groups: list[dict[str, Any]] = []
        for line in view.lines:
            if not groups or groups[-1]["purpose"] != line.purpose:
                groups.append({"purpose": line.purpose, "label": line.label, "lines": []})
            reason = line.decision.reason
            blocked = reason if not line.decision.allowed and "suppressed" in reason else ""
            groups[-1]["lines"].append({
                "purpose": line.purpose, "channel": line.channel, "checked": line.checked,
                "channel_label": channel_label(line.channel, lang), "blocked": blocked,
            })
        return render(request, "preferences.html", "preferences_title", status, lang=lang,
                      groups=groups, details=view.details, fields=_DETAIL_FIELDS,
                      token=view.token, saved=saved, error=error)

    @app.get("/preferences/{token}", response_class=HTMLResponse)
    def preferences_get(request: Request, token: str) -> HTMLResponse:
        lang = lang_of(request)
        view = ws.preference_view(token, lang=lang)
        return preferences_page(request, view, lang=lang)

    @app.post("/preferences/{token}", response_class=HTMLResponse)
    async def preferences_post(request: Request, token: str) -> HTMLResponse:
        data = await request.form()
        lang = lang_of(request)
        choices = set()
        for value in data.getlist("consent"):
            purpose, _, channel = str(value).partition(":")
            choices.add((purpose, channel))
        details = {name: str(data.get(name) or "")[:300] for name, _k, _a in _DETAIL_FIELDS
                   if name in data}
        ip, ua = _client(request)
        try:
            view = await run_in_threadpool(
                lambda: ws.update_preferences(token, choices=choices, details=details, ip=ip,
                                              user_agent=ua, lang=lang)
            )
        except InvalidValueError as exc:
            current = await run_in_threadpool(lambda: ws.preference_view(token, lang=lang))
            return preferences_page(request, current, lang=lang, error=str(exc), status=422)
        return preferences_page(request, view, lang=lang, saved=bool(view.changed))

    return app


__all__ = ["SignupIn", "create_app"]
