"""Storefront views: a plain Django webhook and a DRF API."""

import json

from django.http import JsonResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from rest_framework.response import Response
from rest_framework.views import APIView

from storefront.models import Product


@csrf_exempt
def newsletter_signup(request):
    data = json.loads(request.body)
    try:
        Product.objects.get(pk=data["product"]).subscribers.add(data["email"])
    except Exception as exc:
        return JsonResponse({"ok": False, "error": repr(exc)}, status=400)
    return JsonResponse({"ok": True})


@method_decorator(csrf_exempt, name="dispatch")
class ProductSearch(APIView):
    def get(self, request):
        from django.db import connection

        term = request.GET.get("q", "")
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, name FROM storefront_product WHERE name LIKE '%" + term + "%'")
            rows = cursor.fetchall()
        return Response([{"id": r[0], "name": r[1]} for r in rows])


class CartView(View):
    def post(self, request):
        return JsonResponse({"items": []})
