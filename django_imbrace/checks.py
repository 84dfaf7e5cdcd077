"""System checks (``django_imbrace.E001``...); see the README's troubleshooting section."""
