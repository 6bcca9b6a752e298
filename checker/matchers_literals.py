"""Matchers over the literals of the main file and what Qt makes of them: IP addresses written as strings
(classified with Python's `ipaddress`), so "ff12::2115 is a link-local unicast address" is decided at the
literal's line."""

from __future__ import annotations

import ipaddress
import re

from .facts import Facts
from .matchers import Site, matcher
from .matchers_strings import literals

# the scope nibble of an IPv6 multicast address (RFC 4291, 7346)
V6_SCOPES = {1: "interface-local", 2: "link-local", 3: "realm-local", 4: "admin-local", 5: "site-local",
             8: "organization-local", 14: "global"}


def parse_address(text: str):
    """The IP address a literal or a claim's word spells (`[ff12::2115]`, `"239.255.43.21"`), or None."""
    word = text.strip().strip("\"'`").strip()
    word = word[1:-1] if word.startswith("[") and word.endswith("]") else word
    if not re.fullmatch(r"[0-9A-Fa-f:.]{2,45}", word) or not re.search(r"\d", word) or (
            "." not in word and ":" not in word):
        return None
    try:
        return ipaddress.ip_address(word)
    except ValueError:
        return None


def same_address(claimed: str, actual: str) -> bool:
    a, b = parse_address(claimed), parse_address(actual)
    return a is not None and a == b


def describe(addr) -> tuple[str, dict]:
    """What an address is, in words and as the attributes claims ask about."""
    v6 = addr.version == 6
    if addr.is_multicast:
        if v6:
            flags, scope = (addr.packed[1] >> 4) & 0xF, addr.packed[1] & 0xF
            kind = (f"an IPv6 multicast address (ff00::/8; {'transient' if flags & 1 else 'well-known'}, "
                    f"{V6_SCOPES.get(scope, f'scope {scope}')} scope)")
            link_scope = scope == 2
        else:
            scope = ("local network control block, 224.0.0.0/24" if addr in ipaddress.ip_network("224.0.0.0/24")
                     else "administratively scoped, 239.0.0.0/8" if addr in ipaddress.ip_network("239.0.0.0/8")
                     else "224.0.0.0/4")
            kind = f"an IPv4 multicast address ({scope})"
            link_scope = addr in ipaddress.ip_network("224.0.0.0/24")
        kind += ", not a unicast address"
    else:
        link_scope = addr.is_link_local
        kind = ("the unspecified address" if addr.is_unspecified else "a loopback address" if addr.is_loopback
                else f"a link-local unicast address ({'fe80::/10' if v6 else '169.254.0.0/16'})" if addr.is_link_local
                else "a private unicast address" if addr.is_private else "a unicast address")
        kind += ", not a multicast address"
    attrs = {"multicast": addr.is_multicast, "unicast": not addr.is_multicast and not addr.is_unspecified,
             "link_local_unicast": addr.is_link_local and not addr.is_multicast, "link_local": link_scope,
             "loopback": addr.is_loopback, "private": addr.is_private and not addr.is_multicast,
             "ipv6": v6}
    return kind, attrs


@matcher("address-literals")
def address_literals(facts: Facts, params: dict) -> list[Site]:
    """One site per string literal that spells an IP address: what kind of address it is."""
    sites = []
    for line, value in literals(facts.lines):
        addr = parse_address(value)
        if addr is None:
            continue
        kind, attrs = describe(addr)
        sites.append(Site(line, 1, False, f'"{value}" (line {line}) is {kind}', {"address": [value]}, attrs,
                          reported=False))
    return sites
