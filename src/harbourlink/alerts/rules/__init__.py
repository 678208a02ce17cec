"""The alert types, one small class each; every module here is loaded by ``alerts.registry``."""
