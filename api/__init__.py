"""The scoring API: FastAPI service over the model bundle and the client store."""
