"""The Scrapy side of the auditor: one spider, its settings, middlewares and pipeline."""
