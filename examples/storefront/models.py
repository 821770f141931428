"""Catalogue models of the Django storefront (djsite/)."""

from django.db import models


class Category(models.Model):
    title = models.CharField(max_length=80)


class Product(models.Model):
    name = models.CharField(max_length=200)
    price_cents = models.IntegerField()
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    subscribers = models.JSONField(default=list)
