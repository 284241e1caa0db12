"""The catalog's vocabulary: every set of choices its models use, declared once.

Imported by `catalog.models` (and re-exported there); code that needs only the words, not
the models, imports them from here."""

from django.db import models

from catalog.ranking import JOBS


class ArtifactKind(models.TextChoices):
    MODEL = "model", "Model"
    API = "api", "API"
    APP = "app", "App"
    AGENT = "agent", "Agent"
    MCP_SERVER = "mcp_server", "MCP server"
    LIBRARY = "library", "Library"
    EXTENSION = "extension", "Extension"
    DATASET = "dataset", "Dataset"


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


class PricingModel(models.TextChoices):
    FREE = "free", "Free"
    FREEMIUM = "freemium", "Freemium"
    PAID = "paid", "Paid"
    OPEN_SOURCE = "open_source", "Open source"
    # The source lists no usable price (every price 0 without being a free variant, or
    # only prices whose unit is unclear): neither free nor paid until a source or an
    # editor says otherwise.
    UNKNOWN = "unknown", "Price unknown"


class PriceUnit(models.TextChoices):
    PROMPT_TOKEN = "prompt_token", "prompt token"
    COMPLETION_TOKEN = "completion_token", "completion token"
    IMAGE = "image", "image"
    SECOND = "second", "second"
    REQUEST = "request", "request"
    MONTH = "month", "month"
    SEAT = "seat", "seat"
    # Image generators bill the tokens of the picture they return, not the picture.
    OUTPUT_IMAGE_TOKEN = "output_image_token", "output image token"
    # Speech synthesis APIs bill the characters of the text they read.
    CHARACTER = "character", "character"


class ModelJob(models.TextChoices):
    TEXT = JOBS[0]
    CODE = JOBS[1]
    VISION = JOBS[2]
    IMAGE = JOBS[3]
    VIDEO = JOBS[4]
    SPEECH = JOBS[5]
    EMBEDDINGS = JOBS[6]


class CapabilityQuantity(models.TextChoices):
    CONTEXT_TOKENS = "context_tokens", "tokens read in one request"
    OUTPUT_TOKENS = "output_tokens", "tokens returned in one reply"
    INPUT_TOKEN_PRICE = "input_token_price", "US dollars per input token"
    OUTPUT_IMAGE_TOKEN_PRICE = "output_image_token_price", "US dollars per output image token"
    WEB_SEARCH_PRICE = "web_search_price", "US dollars per web search"


class EvaluationSource(models.TextChoices):
    LMARENA = "lmarena", "LMArena"


class UsageMetric(models.TextChoices):
    WEEKLY_USERS = "weekly_users", "weekly active users"
    MONTHLY_USERS = "monthly_users", "monthly active users"
    DAILY_USERS = "daily_users", "daily active users"
    PAYING_CUSTOMERS = "paying_customers", "paying customers"
    TOKEN_SHARE = "token_share", "share of a router's tokens (%)"
