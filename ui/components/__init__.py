"""The browser components, one package each: a wrapper (its __init__), the payload code, frontend/."""
