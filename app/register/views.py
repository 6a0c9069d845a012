"""Committee pages of the owner register."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("register", __name__, url_prefix="/c/<slug>/register")
