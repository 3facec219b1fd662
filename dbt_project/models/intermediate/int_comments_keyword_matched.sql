{#- Every received comment (int_comments_unioned: Instagram and Facebook comments, X mentions) with
    its text and whether it contains a negative keyword: a row of the `crisis_keywords` seed or of
    the `crisis_extra_keywords` var. A keyword matches where a word starts (after the start of the
    text or a character that is not a Latin, Arabic or Persian letter or digit), case-insensitively
    for Latin, after normalize_for_keywords() on both sides; "refund" matches "refunds", not
    "prefund". A keyword signal, not sentiment analysis: irony and negation are not understood. -#}
{%- set word_characters = hashtag_letter_ranges() ~ '0-9' -%}
-- sqlfluff:render_variant_limit:2
-- (.sqlfluff lints one rendering; the keyword list has two: with and without extra keywords)
with

comments as (

    select * from {{ ref('int_comments_unioned') }}

),

instagram_texts as (

    select
        'instagram' as platform,
        account_id,
        comment_id,
        comment_text

    from {{ ref('stg_instagram__comments') }}

),

facebook_texts as (

    select
        'facebook' as platform,
        account_id,
        comment_id,
        message as comment_text

    from {{ ref('stg_facebook__comments') }}

),

x_texts as (

    select
        'x' as platform,
        account_id,
        mention_id as comment_id,
        mention_text as comment_text

    from {{ ref('stg_x__mentions') }}

),

texts as (

    select * from instagram_texts
    union all
    select * from facebook_texts
    union all
    select * from x_texts

),

seed_keywords as (

    select
        cast(keyword as {{ dbt.type_string() }}) as keyword_text

    from {{ ref('crisis_keywords') }}

),

configured_keywords as (

    {% set extra = var('crisis_extra_keywords', []) -%}
    {%- if extra %}
        {%- for keyword in extra %}
            select cast('{{ keyword | replace("'", "''") }}' as {{ dbt.type_string() }}) as keyword_text
            {% if not loop.last %}union all{% endif %}
        {%- endfor %}
    {%- else %}
        select cast(null as {{ dbt.type_string() }}) as keyword_text
        where false
    {%- endif %}

),

keywords as (

    select distinct
        {{ normalize_for_keywords('keyword_text') }} as keyword_text,
        -- matched literally: regex metacharacters in a keyword are escaped
        regexp_replace(
            {{ normalize_for_keywords('keyword_text') }}, '([.^$*+?()\[\]{}|\\-])', '\\\1', 'g'
        ) as keyword_pattern

    from (
        select keyword_text from seed_keywords
        union all
        select keyword_text from configured_keywords
    ) as all_keywords
    where trim(keyword_text) <> ''

),

normalized as (

    select
        comments.platform,
        comments.account_id,
        comments.comment_id,
        comments.received_date,
        texts.comment_text,
        {{ normalize_for_keywords('texts.comment_text') }} as normalized_text

    from comments
    left join texts
        on
            comments.platform = texts.platform
            and comments.account_id = texts.account_id
            and comments.comment_id = texts.comment_id

),

-- One pattern for every keyword: each comment is tested against it once. Matching keyword by
-- keyword needs a regex per keyword, and PostgreSQL keeps only its 32 most recent ones compiled,
-- so with more keywords than that every comment compiled them all again (7.7 s instead of 0.35 s
-- for 6,000 comments and 46 keywords). Only the comments that match look for their first keyword.
any_keyword as (

    select
        '(^|[^{{ word_characters }}])('
        || string_agg(keyword_pattern, '|' order by keyword_pattern)
        || ')' as keyword_alternatives

    from keywords

),

candidates as (

    select
        normalized.platform,
        normalized.account_id,
        normalized.comment_id,
        normalized.normalized_text

    from normalized
    cross join any_keyword
    where normalized.normalized_text ~ any_keyword.keyword_alternatives

),

matches as (

    select
        candidates.platform,
        candidates.account_id,
        candidates.comment_id,
        min(keywords.keyword_text) as first_matched_keyword

    from candidates
    inner join keywords
        on candidates.normalized_text ~ ('(^|[^{{ word_characters }}])' || keywords.keyword_pattern)
    group by candidates.platform, candidates.account_id, candidates.comment_id

),

final as (

    select
        normalized.platform,
        normalized.account_id,
        normalized.comment_id,
        normalized.received_date,
        normalized.comment_text,
        matches.first_matched_keyword,
        matches.comment_id is not null as has_negative_keyword

    from normalized
    left join matches
        on
            normalized.platform = matches.platform
            and normalized.account_id = matches.account_id
            and normalized.comment_id = matches.comment_id

)

select * from final
