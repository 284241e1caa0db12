"""What a crawler finds from /sitemap.xml, for the tests of every page that must (or must
not) be listed: the index first, then each sitemap it names."""

import re


def sitemap_locs(client, path: str) -> list[str]:
    """The <loc> paths of one sitemap or of the index (asserts a 200 XML answer)."""
    response = client.get(path)
    assert response.status_code == 200, path
    assert response["Content-Type"] == "application/xml"
    return re.findall(r"<loc>http://testserver(.*?)</loc>", response.content.decode())


def sitemap_locations(client) -> list[str]:
    """Every URL a crawler finds from /sitemap.xml, in order."""
    index = sitemap_locs(client, "/sitemap.xml")
    return [loc for sitemap in index for loc in sitemap_locs(client, sitemap)]


def sitemap_body(client) -> str:
    """The text of every sitemap the index names, one after the other."""
    return "".join(
        client.get(sitemap).content.decode() for sitemap in sitemap_locs(client, "/sitemap.xml")
    )
