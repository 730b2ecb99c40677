"""The monitoring loop: outcomes (labels), alerts and notifications, schedules, retrain -> challenger ->
promote."""
