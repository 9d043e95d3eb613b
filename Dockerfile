# One image for web, worker and beat (docker-compose.yml picks the command).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    UV_PYTHON_DOWNLOADS=never \
    COPROD_VAR_DIR=/app/var \
    PATH=/opt/venv/bin:$PATH

WORKDIR /app
# A Unicode font for the PDFs Coprod makes (COPROD_PDF_FONT), so every name prints.
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
RUN pip install --no-cache-dir "uv==0.13.9"
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --python python3.11
COPY . .
RUN DJANGO_SECRET_KEY=only-for-collectstatic COPROD_ENCRYPTION_SALT=only-for-collectstatic \
    python manage.py collectstatic --noinput \
    && useradd --create-home --uid 1000 coprod \
    && mkdir -p /app/var/media \
    && chown -R coprod /app/var
USER coprod
EXPOSE 8000
CMD ["gunicorn", "coprod.wsgi", "--bind", "0.0.0.0:8000", "--workers", "2", "--access-logfile", "-"]
