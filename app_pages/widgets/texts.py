"""Streamlit's own English words a page can replace through a parameter (the uploader's, which no parameter
reaches, are in uploader.py)."""

CHOOSE_MANY = "请选择（可多选）"  # st.multiselect's placeholder, "Choose options" by default
