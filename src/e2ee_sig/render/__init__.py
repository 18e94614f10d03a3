"""See a XEP as readers will: HTML through ``xep.xsl``, a live preview, rendered diffs."""

from e2ee_sig.render.stylesheet import STYLESHEET_NAME, RenderError, find_stylesheet
from e2ee_sig.render.transform import Renderer

__all__ = ["STYLESHEET_NAME", "RenderError", "Renderer", "find_stylesheet"]
