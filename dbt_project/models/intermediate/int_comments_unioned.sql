{#- Every platform's received comments (Instagram and Facebook comments, X mentions) in one column
    contract, one row per comment from someone other than the account, with the account's first
    reply. A new platform adds its `int_<platform>__comments_conformed` as one more CTE. -#}
{%- set comment_columns = [
    'platform', 'account_id', 'comment_id', 'post_id', 'author_id', 'received_at', 'received_date',
    'first_reply_at',
] | join(', ') -%}

with

instagram as (

    select {{ comment_columns }}
    from {{ ref('int_instagram__comments_conformed') }}

),

facebook as (

    select {{ comment_columns }}
    from {{ ref('int_facebook__comments_conformed') }}

),

x as (

    select {{ comment_columns }}
    from {{ ref('int_x__comments_conformed') }}

),

final as (

    select * from instagram
    union all
    select * from facebook
    union all
    select * from x

)

select * from final
