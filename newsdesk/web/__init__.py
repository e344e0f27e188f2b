"""Web UI: server-rendered pages (Jinja2, autoescaped) over the same queries as the JSON API, with a small
stylesheet, a little progressive JavaScript and a packaged world outline; no build step, works offline."""
