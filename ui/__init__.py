"""The Streamlit app: widgets and charts over planner's API (``planner ui`` or ``streamlit run ui/app.py``)."""
