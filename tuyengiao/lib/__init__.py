"""Pure helpers: Vietnamese text, numbers, dates, document symbols. No Django models."""
