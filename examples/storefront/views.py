"""Catalogue pages: the relation each row follows is defined in storefront/models.py."""

from django.http import JsonResponse

from storefront.models import Product


def search(request):
    term = request.GET.get("q", "")
    rows = []
    for product in Product.objects.filter(name__icontains=term).order_by("name"):
        rows.append({"name": product.name, "category": product.category.title})
    return JsonResponse({"results": rows})
