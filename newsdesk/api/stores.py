"""Store access for the server: `StoreProvider` lives with the store (`newsdesk/store/provider.py`), where
the API and the web pages both take it from; named here for the API modules and tests that import it."""

from newsdesk.store.provider import StoreProvider

__all__ = ["StoreProvider"]
