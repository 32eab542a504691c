// The document Apollo Sandbox opens with: the storefront's own operations, ready to run.
export const SANDBOX_DOCUMENT = `# Try the live loop: run TrackView a few times for two users, then Recommendations.
# Open RecommendationsUpdated in a second tab to watch pushes arrive.
mutation TrackView($input: TrackViewInput!) {
  trackView(input: $input) { accepted eventId }
}

query Recommendations($userId: ID!, $limit: Int) {
  recommendations(userId: $userId, limit: $limit) {
    userId version generatedAt strategy
    items { score reason product { id name category price } }
  }
}

subscription RecommendationsUpdated($userId: ID!, $limit: Int) {
  recommendationsUpdated(userId: $userId, limit: $limit) {
    version items { score reason product { id name } }
  }
}

query Trending($category: String, $limit: Int) {
  trending(category: $category, limit: $limit) { score product { id name category } }
}

query FeatureFlags { featureFlags { key value source } }
`;

export const SANDBOX_VARIABLES = { input: { userId: 'alice', productId: 'cof-espresso-beans' }, userId: 'alice', limit: 5 };
