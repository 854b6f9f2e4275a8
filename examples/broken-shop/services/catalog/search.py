"""Product search: the query service in front of the OpenSearch cluster.

This service was annotated with threatspec before the shop moved to GuardLink; threatls reads
both dialects. `Name (#id)` ties a threatspec name to the model's id.
"""

from opensearchpy import OpenSearch

# @connects Shop API (#shop-api) to Product Search (#search-service) with HTTPS, JSON query and filters
# @control Result limits (#result-limits)

MAX_PAGE_SIZE = 48
MAX_RESULT_WINDOW = 1_000
INDEX = "products-v7"

client = OpenSearch(hosts=["https://search.internal:9200"], timeout=2)


# @mitigates Product Search (#search-service) against expensive queries (#search-dos) with result limits (#result-limits)
def search(text: str, page: int = 1, size: int = 24, sort: str = "relevance") -> dict:
    text = text.strip()
    if text.startswith(("*", "?")):
        raise ValueError("a search cannot start with a wildcard")
    size = max(1, min(size, MAX_PAGE_SIZE))
    offset = (max(page, 1) - 1) * size
    if offset + size > MAX_RESULT_WINDOW:
        raise ValueError("refine the search to see more results")
    query = {
        "query": {"simple_query_string": {"query": text, "fields": ["name^3", "description"]}},
        "from": offset,
        "size": size,
        "timeout": "500ms",
    }
    if sort == "price":
        query["sort"] = [{"price_cents": "asc"}]
    return client.search(index=INDEX, body=query)


# @tests Result limits (#result-limits) for Product Search (#search-service)
def test_deep_pagination_is_refused():
    try:
        search("camera", page=500)
    except ValueError:
        return
    raise AssertionError("page 500 was served")


# broken: never closed, so no annotation after it in this file would be read (unmatched-shield)
# @shield:begin -- "ranking weights are tuned by merchandising; keep them out of AI tools"
RANKING_WEIGHTS = {"name": 3.0, "brand": 2.0, "description": 1.0, "in_stock_boost": 1.5}
