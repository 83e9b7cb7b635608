"""Streamlit UI of the VAE Latent Explorer: pages and widgets over vae_core."""
