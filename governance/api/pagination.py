from rest_framework.pagination import PageNumberPagination

from governance.pagination import KeysFirstPaginator


class Pagination(PageNumberPagination):
    django_paginator_class = KeysFirstPaginator
    page_size_query_param = "page_size"
    max_page_size = 100
