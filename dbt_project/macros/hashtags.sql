{#- Unicode-aware text rules for hashtags and keyword signals, written as PostgreSQL regular
    expressions over explicit code point ranges. POSIX classes ([[:alpha:]]) follow the database's
    LC_CTYPE, and under the C locale (the embedded warehouse) they match ASCII only, so #کافه would
    be lost; explicit ranges give the same answer on every database. -#}

{#- Letters that can start or carry a hashtag: Latin (with Latin-1 and Extended-A/B), Greek,
    Cyrillic, Armenian, Hebrew, Arabic and Persian letters (U+0620-U+064A, U+066E-U+06D3,
    U+06D5, U+06FA-U+06FF, Arabic Supplement and Extended-A), Indic scripts, Thai, Hangul,
    kana and CJK ideographs. Arabic punctuation (، ؛ ؟ ٪ ۔) is not in it. -#}
{% macro hashtag_letter_ranges() -%}
A-Za-z\u00aa\u00b5\u00ba\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02af\u0370-\u03ff\u0400-\u052f\u0531-\u0587\u05d0-\u05ea\u0620-\u064a\u066e-\u066f\u0671-\u06d3\u06d5\u06fa-\u06ff\u0750-\u077f\u08a0-\u08c9\u0900-\u0dff\u0e01-\u0e5b\u1100-\u11ff\u1e00-\u1fff\u3041-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3\ufb50-\ufdfb\ufe70-\ufefc
{%- endmacro %}

{#- Characters a hashtag may continue with besides letters: ASCII, Arabic-Indic and Persian
    digits, the underscore, combining marks (Latin accents, Arabic harakat and the superscript
    alef) and the zero-width non-joiner U+200C that Persian spelling puts inside words
    (#می‌خوانم is one tag). -#}
{% macro hashtag_continuation_ranges() -%}
0-9\u0660-\u0669\u06f0-\u06f9_\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u200c
{%- endmacro %}

{#- A hashtag: `#` at the start of the text or after a character that cannot be part of a word,
    a URL path or an HTML entity (so https://x.example/page#section and &#8217; are not tags),
    then word characters with at least one letter (#2024 alone is not a tag, as on Instagram and X).
    The tag is the first capture group. -#}
{% macro hashtag_pattern() -%}
{%- set word = hashtag_letter_ranges() ~ hashtag_continuation_ranges() -%}
(?:^|[^{{ word }}&/#])#([{{ word }}]*[{{ hashtag_letter_ranges() }}][{{ word }}]*)
{%- endmacro %}

{#- Upper case Latin letters (ASCII and Latin-1) to lower case, nothing else: Persian and Arabic
    have no case, and folding other scripts with the database locale would differ between servers. -#}
{% macro fold_latin_case(expression) -%}
translate(
    {{ expression }},
    'ABCDEFGHIJKLMNOPQRSTUVWXYZÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞ',
    'abcdefghijklmnopqrstuvwxyzàáâãäåæçèéêëìíîïðñòóôõöøùúûüýþ'
)
{%- endmacro %}

{#- `from` item yielding one row per hashtag in `text_expression`, its raw tag in `alias`.tag. -#}
{% macro hashtag_matches(text_expression, alias) -%}
lateral (
    select tag_match[1] as tag
    from regexp_matches({{ text_expression }}, '{{ hashtag_pattern() }}', 'g') as tag_match
) as {{ alias }}
{%- endmacro %}

{#- The canonical form of a raw tag: Latin folded to lower case, a trailing zero-width
    non-joiner (typed before a space or punctuation) dropped. -#}
{% macro normalize_hashtag(tag_expression) -%}
{{ fold_latin_case("regexp_replace(" ~ tag_expression ~ ", '\\u200c+$', '')") }}
{%- endmacro %}

{#- Text prepared for keyword matching: Latin folded to lower case, Arabic yeh and kaf written as
    their Persian forms (keyboards mix them), zero-width non-joiners and runs of white space as one
    space, so "بی‌احترامی", "بی احترامی" and "بي احترامي" match the same keyword. -#}
{% macro normalize_for_keywords(expression) -%}
regexp_replace(
    translate({{ fold_latin_case(expression) }}, 'يكى', 'یکی'),
    '[\u200c[:space:]]+', ' ', 'g'
)
{%- endmacro %}

{#- The posts of `posts_cte` (fct_post_performance columns) with `rate_by_followers`: the post's
    engagement_rate_by_followers, else its engagements / the account's followers on the nearest
    earlier day with known followers (fct_account_kpis_daily), else the nearest later one. X and
    TikTok know followers on snapshot days only, so most of their posts have no rate of their own;
    followers move slowly, and comparing windows or formats needs every post on one scale. -#}
{% macro posts_with_follower_rate(posts_cte, account_days_cte) -%}
    select
        {{ posts_cte }}.*,
        coalesce(
            {{ posts_cte }}.engagement_rate_by_followers,
            {{ safe_divide(posts_cte ~ '.engagements', 'coalesce(earlier.followers, later.followers)') }}
        ) as rate_by_followers

    from {{ posts_cte }}
    left join lateral (
        select followers from {{ account_days_cte }}
        where
            {{ account_days_cte }}.platform = {{ posts_cte }}.platform
            and {{ account_days_cte }}.account_id = {{ posts_cte }}.account_id
            and {{ account_days_cte }}.kpi_date <= {{ posts_cte }}.published_date
            and {{ account_days_cte }}.followers > 0
        order by {{ account_days_cte }}.kpi_date desc
        limit 1
    ) as earlier on true
    left join lateral (
        select followers from {{ account_days_cte }}
        where
            {{ account_days_cte }}.platform = {{ posts_cte }}.platform
            and {{ account_days_cte }}.account_id = {{ posts_cte }}.account_id
            and {{ account_days_cte }}.kpi_date > {{ posts_cte }}.published_date
            and {{ account_days_cte }}.followers > 0
        order by {{ account_days_cte }}.kpi_date asc
        limit 1
    ) as later on true
{%- endmacro %}
